import {coreError, LlmsecError} from '../core/errors.js'
import {pathExists} from '../core/fs.js'
import {formatLocation, loadYamlFile, locate, parseYaml, type LoadedYaml} from '../core/yaml.js'
import {matchesGlob} from '../core/glob.js'
import {countStatuses, overallScore, scoreControlFamilies, scoreResults} from './score.js'
import type {AuditResult, RuleResult} from './audit.types.js'
import {waiversSchema} from './waivers.schema.js'
import type {Waiver, WaiverOutcome, WaiverReport, WaiversFile} from './waivers.types.js'

/** The waivers file used when neither --waivers nor the config names one. */
export const DEFAULT_WAIVERS_FILE = '.llmsec-waivers.yaml'

export interface LoadedWaivers {
  file: string
  waivers: (Waiver & {line: number})[]
}

function isRealDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

function checkWaivers(loaded: LoadedYaml<WaiversFile>): LoadedWaivers {
  const waivers = loaded.data.waivers.map((waiver, i) => {
    if (!isRealDate(waiver.expires)) {
      const where = formatLocation(locate(loaded, `/waivers/${i}/expires`))
      throw coreError('INPUT_MALFORMED', `${where}: waivers.${i}.expires: ${waiver.expires} is not a calendar date`)
    }
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

/** Parses waivers YAML text (exit 2 with file:line:column when malformed). */
export function parseWaivers(text: string, file: string): LoadedWaivers {
  try {
    return checkWaivers(parseYaml<WaiversFile>(text, file, waiversSchema))
  } catch (error) {
    throw asInputError(error, file)
  }
}

/**
 * Loads a waivers file. An explicit file must exist; the default `.llmsec-waivers.yaml` is
 * optional (null when absent).
 */
export async function loadWaivers(file: string | undefined): Promise<LoadedWaivers | null> {
  if (!file && !(await pathExists(DEFAULT_WAIVERS_FILE))) return null
  const path = file ?? DEFAULT_WAIVERS_FILE
  try {
    return checkWaivers(await loadYamlFile<WaiversFile>(path, waiversSchema))
  } catch (error) {
    throw asInputError(error, path)
  }
}

/** Today's date in UTC as YYYY-MM-DD. */
function utcDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10)
}

function waiverMatches(waiver: Waiver, rulesetId: string, result: RuleResult, host: string): boolean {
  if (waiver.rule !== result.ruleId && waiver.rule !== `${rulesetId}.${result.ruleId}`) return false
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

/**
 * Applies waivers to an audit and scores it again: an active waiver turns a failure into a
 * `waived` result that no longer lowers the score; an expired one leaves the failure and says
 * so in its evidence. Returns the audit (mutated copy) and what became of each waiver.
 */
export function applyWaivers(
  audit: AuditResult,
  loaded: LoadedWaivers | null,
  now: Date = new Date(),
): {audit: AuditResult; waivers: WaiverReport} {
  const today = utcDate(now)
  const copy: AuditResult = structuredClone(audit)
  const host = copy.host ?? ''
  const outcomes: WaiverOutcome[] = (loaded?.waivers ?? []).map(({line, ...waiver}, i) => {
    const expired = waiver.expires < today
    const matched: string[] = []
    let failures = 0
    for (const ruleset of copy.rulesets) {
      for (const result of ruleset.results) {
        if (!waiverMatches(waiver, ruleset.id, result, host)) continue
        matched.push(`${ruleset.id}.${result.ruleId}`)
        // Only a failure can be waived: an error was never evaluated, so there is nothing to except.
        if (result.status !== 'fail') continue
        failures++
        applyOne(waiver, result, expired)
      }
    }
    const state = !matched.length ? 'unmatched' : !failures ? 'unneeded' : expired ? 'expired' : 'active'
    return {...waiver, index: i + 1, line, state, matched}
  })
  rescore(copy)
  return {audit: copy, waivers: {file: loaded?.file ?? null, today, outcomes}}
}

/** Scores and counts an audit again after waivers changed its results. */
function rescore(audit: AuditResult): void {
  for (const ruleset of audit.rulesets) {
    ruleset.score = scoreResults(ruleset.results)
    ruleset.summary = countStatuses(ruleset.results)
    ruleset.controlFamilies = scoreControlFamilies(ruleset.results)
  }
  audit.score = overallScore(audit.rulesets.map((r) => r.score))
  audit.summary = countStatuses(audit.rulesets.flatMap((r) => r.results))
}
