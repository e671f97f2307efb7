import {coreError, LlmsecError} from '../core/errors.js'
import {pathExists} from '../core/fs.js'
import {loadYamlFile, locate, parseYaml, type LoadedYaml} from '../core/yaml.js'
import {matchesGlob} from '../core/glob.js'
import {scoreAudit} from './score.js'
import type {AuditResult, RuleResult} from './audit.types.js'
import {checkWaiver, MAX_WAIVER_DAYS, type WaiverSettings} from './waiver-rules.js'
import {waiversSchema} from './waivers.schema.js'
import type {Waiver, WaiverOutcome, WaiverReport, WaiversFile} from './waivers.types.js'

/** The waivers file used when neither --waivers nor the config names one. */
export const DEFAULT_WAIVERS_FILE = '.llmsec-waivers.yaml'

export interface LoadedWaivers {
  file: string
  waivers: (Waiver & {line: number})[]
}

/** How a waivers file is judged: the longest a waiver may run, and "today". */
export interface WaiverLimits {
  maxDays?: number
  now?: Date
}

function checkWaivers(loaded: LoadedYaml<WaiversFile>, limits: WaiverLimits): LoadedWaivers {
  const {maxDays = MAX_WAIVER_DAYS, now = new Date()} = limits
  const waivers = loaded.data.waivers.map((waiver, i) => {
    checkWaiver(loaded, i, maxDays, now)
    return {...waiver, line: locate(loaded, `/waivers/${i}`).line}
  })
  return {file: loaded.file, waivers}
}

/**
 * yaml's toJS() throws a ReferenceError for an unresolved or excessive alias (`*a`), which
 * src/core/yaml.ts does not catch yet: turn it into an input error too.
 */
function asInputError(error: unknown, file: string): unknown {
  if (error instanceof LlmsecError || !(error instanceof Error)) return error
  return coreError('INPUT_MALFORMED', `${file}: YAML error: ${error.message.split('\n')[0]}`)
}

/** Parses waivers YAML text (exit 2 with file:line:column when malformed or when a waiver breaks a rule). */
export function parseWaivers(text: string, file: string, limits: WaiverLimits = {}): LoadedWaivers {
  try {
    return checkWaivers(parseYaml<WaiversFile>(text, file, waiversSchema), limits)
  } catch (error) {
    throw asInputError(error, file)
  }
}

/** The waivers file a run uses, and a note when the working directory's file is left unused. */
export interface WaiversChoice {
  waivers: LoadedWaivers | null
  note?: string
}

/**
 * Loads the waivers file a run uses: `--waivers`, else the file the config names, else
 * `.llmsec-waivers.yaml` of the working directory only when the config says `waivers.autoload:
 * true` (a directory someone else controls must not silence findings). A named file must exist.
 */
export async function loadWaivers(
  flag: string | undefined,
  settings: WaiverSettings,
  now: Date = new Date(),
): Promise<WaiversChoice> {
  let path = flag ?? settings.file
  if (!path) {
    if (!(await pathExists(DEFAULT_WAIVERS_FILE))) return {waivers: null}
    if (!settings.autoload)
      return {
        waivers: null,
        note: `${DEFAULT_WAIVERS_FILE} in the working directory is not used: pass --waivers ${DEFAULT_WAIVERS_FILE} or set waivers.autoload: true in the config`,
      }
    path = DEFAULT_WAIVERS_FILE
  }
  try {
    const loaded = await loadYamlFile<WaiversFile>(path, waiversSchema)
    return {waivers: checkWaivers(loaded, {maxDays: settings.maxDays, now})}
  } catch (error) {
    throw asInputError(error, path)
  }
}

/** Today's date in UTC as YYYY-MM-DD. */
function utcDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10)
}

function waiverMatches(waiver: Waiver, result: RuleResult, host: string): boolean {
  const names = [result.ruleId, ...(result.rulesets ?? []).map((rs) => `${rs}.${result.ruleId}`)]
  if (!names.includes(waiver.rule)) return false
  if (waiver.host && !matchesGlob(host, waiver.host)) return false
  if (waiver.path && !(result.location && matchesGlob(result.location, waiver.path))) return false
  return true
}

/** Marks one result waived (active) or adds the expiry to its evidence (expired). */
function applyOne(waiver: Waiver, result: RuleResult, expired: boolean): void {
  if (expired) {
    result.evidence = [
      ...result.evidence,
      `waiver expired on ${waiver.expires} (approved by ${waiver.approver}: ${waiver.justification})`,
    ]
  } else {
    result.status = 'waived'
    result.waived = {reason: waiver.justification, expires: waiver.expires, by: waiver.approver}
  }
}

/** A waived rule is waived in every ruleset view that failed it. */
function waiveViews(audit: AuditResult): void {
  const waived = new Set(audit.rules.filter((r) => r.status === 'waived').map((r) => r.ruleId))
  for (const view of audit.rulesets)
    for (const rule of view.rules) if (rule.status === 'fail' && waived.has(rule.ruleId)) rule.status = 'waived'
}

/**
 * Applies waivers to an audit and scores it again: an active waiver turns a failure into a
 * `waived` result that no longer lowers the score (a rule shared by rulesets is one finding, so it
 * is waived in each of them); an expired one leaves the failure and says so in its evidence.
 * Returns the audit (a mutated copy; the audit itself when there is no waiver, as nothing changes)
 * and what became of each waiver.
 */
export function applyWaivers(
  audit: AuditResult,
  loaded: LoadedWaivers | null,
  now: Date = new Date(),
): {audit: AuditResult; waivers: WaiverReport} {
  const today = utcDate(now)
  // No waiver changes nothing: the audit (about 1 MB for every ruleset) is neither copied nor scored again.
  if (!loaded?.waivers.length) return {audit, waivers: {file: loaded?.file ?? null, today, outcomes: []}}
  const copy: AuditResult = structuredClone(audit)
  const host = copy.host ?? ''
  const outcomes: WaiverOutcome[] = (loaded?.waivers ?? []).map(({line, ...waiver}, i) => {
    const expired = waiver.expires < today
    const matched: string[] = []
    let failures = 0
    for (const result of copy.rules) {
      if (!waiverMatches(waiver, result, host)) continue
      matched.push(result.ruleId)
      // Only a failure can be waived: an error was never evaluated, so there is nothing to except.
      if (result.status !== 'fail') continue
      failures++
      applyOne(waiver, result, expired)
    }
    const state = !matched.length ? 'unmatched' : !failures ? 'unneeded' : expired ? 'expired' : 'active'
    return {...waiver, index: i + 1, line, state, matched}
  })
  waiveViews(copy)
  scoreAudit(copy)
  return {audit: copy, waivers: {file: loaded?.file ?? null, today, outcomes}}
}
