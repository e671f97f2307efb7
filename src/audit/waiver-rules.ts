import type {LlmsecConfig} from '../core/config.js'
import {coreError, type LlmsecError} from '../core/errors.js'
import {formatLocation, locate, type LoadedYaml} from '../core/yaml.js'
import type {ResolvedRuleset} from './ruleset.types.js'
import type {Waiver, WaiversFile} from './waivers.types.js'

/** The longest a waiver may run, in days after its `created` date (and the most `waivers.maxDays` may say). */
export const MAX_WAIVER_DAYS = 365

/** The shortest justification, in characters (surrounding white space not counted). */
const MIN_JUSTIFICATION = 20

/** How the config lets waivers be used (`waivers:` in llmsec.yaml, docs/config.md). */
export interface WaiverSettings {
  /** The waivers file the config names (used without --waivers). */
  file?: string
  /** Use `.llmsec-waivers.yaml` of the working directory without --waivers. */
  autoload: boolean
  /** The config's consent to waivers of critical rules (as --allow-critical-waivers). */
  allowCritical: boolean
  /** Longest waiver in days after `created` (1–365). */
  maxDays: number
}

/** The config's `waivers:` value (a file name, or the settings object) as settings. */
export function waiverSettings(value: LlmsecConfig['waivers']): WaiverSettings {
  const object = typeof value === 'string' ? {file: value} : (value ?? {})
  return {
    ...(object.file ? {file: object.file} : {}),
    autoload: object.autoload === true,
    allowCritical: object.allowCritical === true,
    maxDays: object.maxDays ?? MAX_WAIVER_DAYS,
  }
}

const DAY_MS = 86_400_000

/** Days since 1970-01-01 of a YYYY-MM-DD calendar date, or null when it is not one. */
function dayNumber(text: string): number | null {
  const date = new Date(`${text}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) return null
  return date.getTime() / DAY_MS
}

/** A refusal of the waivers file: one line, file:line:column and the key. */
function refuse(loaded: LoadedYaml<WaiversFile>, index: number, key: keyof Waiver, message: string): LlmsecError {
  const where = formatLocation(locate(loaded, `/waivers/${index}/${key}`))
  return coreError('INPUT_MALFORMED', `${where}: waivers.${index}.${key}: ${message}`)
}

function dayOf(loaded: LoadedYaml<WaiversFile>, index: number, key: 'created' | 'expires'): number {
  const text = loaded.data.waivers[index][key]
  const day = dayNumber(text)
  if (day === null) throw refuse(loaded, index, key, `${text} is not a calendar date`)
  return day
}

/**
 * Checks one waiver against the rules a waiver must meet to be used at all: real `created` and
 * `expires` dates, `created` not in the future (one day of slack for time zones; a future date
 * would stretch the maximum), `expires` at most `maxDays` after `created`, and a justification of
 * at least 20 characters. Throws INPUT_MALFORMED (exit 2) naming file:line:column.
 */
export function checkWaiver(loaded: LoadedYaml<WaiversFile>, index: number, maxDays: number, now: Date): void {
  const waiver = loaded.data.waivers[index]
  const expires = dayOf(loaded, index, 'expires')
  const created = dayOf(loaded, index, 'created')
  const today = Math.floor(now.getTime() / DAY_MS)
  if (created > today + 1)
    throw refuse(
      loaded,
      index,
      'created',
      `${waiver.created} is in the future (today is ${now.toISOString().slice(0, 10)}, UTC)`,
    )
  if (expires < created)
    throw refuse(loaded, index, 'expires', `${waiver.expires} is before the waiver was created (${waiver.created})`)
  if (expires - created > maxDays)
    throw refuse(
      loaded,
      index,
      'expires',
      `${waiver.expires} is ${expires - created} days after created (${waiver.created}); a waiver may run at most ${maxDays} days (waivers.maxDays); renew it with a new created date when it is reviewed`,
    )
  const length = waiver.justification.trim().length
  if (length < MIN_JUSTIFICATION)
    throw refuse(
      loaded,
      index,
      'justification',
      `${length} characters; at least ${MIN_JUSTIFICATION} are required (why the finding is accepted, and where it is tracked)`,
    )
  if (!waiver.approver.trim()) throw refuse(loaded, index, 'approver', 'is blank; name who approved the waiver')
}

/** The rule id a waiver names (`rule-id` or `ruleset.rule-id`; rule ids hold no dot). */
function ruleIdOf(rule: string): string {
  return rule.slice(rule.indexOf('.') + 1)
}

/**
 * Refuses a waiver of a critical rule without consent (`--allow-critical-waivers` or the config's
 * `waivers.allowCritical: true`): exit 2 with one line naming file:line. A rule is critical when
 * any ruleset of the run rates it critical, because a waiver waives the one distinct rule every
 * ruleset shares (a `baseline.x` waiver also silences hipaa's critical x). Host and path globs do
 * not matter: a waiver that does not apply on this host would apply on the next.
 */
export function refuseCriticalWaivers(
  waivers: {file: string; waivers: (Waiver & {line: number})[]} | null,
  rulesets: readonly ResolvedRuleset[],
  consent: boolean,
): void {
  if (!waivers || consent) return
  for (const waiver of waivers.waivers) {
    const id = ruleIdOf(waiver.rule)
    const critical = rulesets.filter((rs) => rs.rules.some((r) => r.id === id && r.severity === 'critical'))
    if (!critical.length) continue
    throw coreError(
      'INPUT_MALFORMED',
      `${waivers.file}:${waiver.line}: the waiver of ${waiver.rule} silences a critical rule (critical in ${critical.map((rs) => rs.id).join(', ')}); refused without consent: pass --allow-critical-waivers or set waivers.allowCritical: true in the config`,
    )
  }
}
