import {coreError} from '../../core/errors.js'
import {suggestedOutput} from '../../core/fs.js'
import {RULE_STATUSES, type RuleResult} from '../audit.types.js'
import {SEVERITIES} from '../../core/severity.js'
import {sanitizeEvidence, sanitizeLine} from '../evidence.js'
import {meanScore} from '../score.js'
import {digestHost, FleetTally, type HostDigest} from './fleet-summary.js'
import type {AuditReport, RejectedResult} from './report.types.js'
import type {FleetHost, FleetReport} from './fleet.types.js'
import {isSeverity, readControls, readResultViews, ResultShapeError} from './result-views.js'

const utf8 = new TextDecoder()

/** A sanitized result held as UTF-8 JSON (read-hosts.ts), as an object again. */
export function parseResultJson(json: Uint8Array): AuditReport {
  return JSON.parse(utf8.decode(json)) as AuditReport
}

/** Largest result file `llmsec report` reads. */
export const MAX_RESULT_BYTES = 64 * 1024 * 1024

/**
 * Checks that parsed JSON is an audit result and reads it as reports may show it: evidence and
 * reasons sanitized as fresh results are, ruleset views reduced to their documented fields and
 * checked against the results (see readResultViews), scores computed again.
 */
export function asAuditReport(data: unknown, file: string): AuditReport {
  const value = data as Partial<AuditReport> | null
  const fail = (what: string) =>
    coreError(
      'INPUT_MALFORMED',
      `${file} is not an llmsec audit result: ${what}. Save one with llmsec audit --json --output ${suggestedOutput('audit.json', file)}.`,
    )
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw fail('not a JSON object')
  if (typeof value.score !== 'number') throw fail('no numeric "score"')
  if (!Array.isArray(value.rulesets)) throw fail('no "rulesets" list')
  for (const [i, rs] of value.rulesets.entries())
    if (!rs || typeof rs.id !== 'string' || !Array.isArray(rs.rules)) throw fail(`rulesets[${i}] has no id or rules`)
  if (!Array.isArray(value.rules)) throw fail('no "rules" list (saved by an older llmsec? run the audit again)')
  const report = pick(value as AuditReport, REPORT_FIELDS)
  try {
    checkResults(report.rules)
    // Results saved elsewhere (or edited) are shown under the same rules as fresh ones.
    report.rules = report.rules.map((r) => {
      const rule = pick(r, RESULT_FIELDS)
      rule.evidence = sanitizeEvidence(rule.evidence.map(String))
      if (typeof rule.reason === 'string') rule.reason = sanitizeLine(rule.reason)
      return rule
    })
    readResultViews(report, report.rulesets)
  } catch (error) {
    if (error instanceof ResultShapeError) throw fail(error.message)
    throw error
  }
  return report
}

/** The documented fields of a saved result (docs/json/audit.md, report.md): any other field is dropped. */
const REPORT_FIELDS: ReadonlySet<keyof AuditReport> = new Set([
  'score',
  'headline',
  'rules',
  'rulesets',
  'summary',
  'host',
  'os',
  'llmsecVersion',
  'startedAt',
  'durationMs',
  'root',
  'image',
  'probe',
  'walk',
  'failOn',
  'failUnder',
  'allowIncomplete',
  'failOnNew',
  'comparison',
  'waivers',
  'inventory',
] as const)

const RESULT_FIELDS: ReadonlySet<keyof RuleResult> = new Set([
  'ruleId',
  'title',
  'status',
  'severity',
  'controls',
  'evidence',
  'remediation',
  'fix',
  'checkId',
  'reason',
  'location',
  'description',
  'rationale',
  'helpUri',
  'weight',
  'durationMs',
  'waived',
  'rulesets',
  'needsRoot',
] as const)

/** A copy with only the given own fields, in the value's own order. */
function pick<T extends object>(value: T, fields: ReadonlySet<keyof T>): T {
  const out = {} as T
  for (const key of Object.keys(value) as (keyof T)[]) if (fields.has(key)) out[key] = value[key]
  return out
}

function checkResults(rules: unknown[]): void {
  const ids = new Set<string>()
  for (const [j, r] of (rules as Partial<RuleResult>[]).entries()) {
    if (!r || typeof r.ruleId !== 'string' || typeof r.status !== 'string' || !Array.isArray(r.evidence))
      throw new ResultShapeError(`rules[${j}] has no ruleId, status or evidence`)
    if (!(RULE_STATUSES as readonly string[]).includes(r.status))
      throw new ResultShapeError(`rules[${j}].status "${r.status}" is not one of ${RULE_STATUSES.join(', ')}`)
    if (!isSeverity(r.severity))
      throw new ResultShapeError(`rules[${j}].severity is not one of ${SEVERITIES.join(', ')}`)
    readControls(r.controls, `rules[${j}]`)
    if (ids.has(r.ruleId)) throw new ResultShapeError(`rule ${r.ruleId} is in "rules" twice`)
    ids.add(r.ruleId)
  }
}

/**
 * Builds a fleet report a host at a time, in file order. Each host's summary and tally are taken
 * when it is added. A host added as UTF-8 JSON (as `llmsec report` reads them, see read-hosts.ts)
 * is parsed again each time its `report` is read (each renderer reads it once), so a thousand
 * hosts' results are never all objects in memory at once.
 */
export class FleetBuilder {
  private readonly seen = new Map<string, number>()
  private readonly hosts: FleetHost[] = []
  private readonly rejected: RejectedResult[] = []
  private readonly tally = new FleetTally()

  get size(): number {
    return this.hosts.length
  }

  add(file: string, report: AuditReport): void {
    this.addHost(file, report, digestHost(report, file))
  }

  /** Adds a host digested elsewhere (digestHost): its result as an object, or as UTF-8 JSON. */
  addHost(file: string, result: AuditReport | Uint8Array, digest: HostDigest): void {
    const n = (this.seen.get(digest.name) ?? 0) + 1
    this.seen.set(digest.name, n)
    const host = n === 1 ? digest.name : `${digest.name} (${n})`
    const entry = {host, file} as FleetHost
    if (result instanceof Uint8Array) {
      Object.defineProperty(entry, 'report', {enumerable: true, get: () => parseResultJson(result)})
      Object.defineProperty(entry, 'json', {enumerable: false, value: result})
    } else entry.report = result
    Object.defineProperty(entry, 'summary', {enumerable: false, value: digest.summary})
    this.tally.merge(digest.tally, host)
    this.hosts.push(entry)
  }

  reject(file: string, reason: string): void {
    this.rejected.push({file, reason})
  }

  finish(version?: string, now = new Date()): FleetReport {
    const fleet = {
      kind: 'fleet',
      generatedAt: now.toISOString(),
      llmsecVersion: version,
      hosts: this.hosts,
      score: meanScore(this.hosts.map((h) => h.summary.score)),
      rejected: this.rejected,
    } as FleetReport
    Object.defineProperty(fleet, 'tally', {enumerable: false, value: this.tally})
    return fleet
  }
}

/** Merges several hosts' results into a fleet report; duplicate host names get a suffix. */
export function mergeFleet(
  inputs: {file: string; report: AuditReport}[],
  version?: string,
  now = new Date(),
  rejected: RejectedResult[] = [],
): FleetReport {
  const builder = new FleetBuilder()
  for (const {file, report} of inputs) builder.add(file, report)
  for (const r of rejected) builder.reject(r.file, r.reason)
  return builder.finish(version, now)
}
