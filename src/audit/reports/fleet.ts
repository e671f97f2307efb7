import {coreError} from '../../core/errors.js'
import {suggestedOutput} from '../../core/fs.js'
import {RULE_STATUSES} from '../audit.types.js'
import {meanScore} from '../score.js'
import type {AuditReport, FleetReport} from './report.types.js'

/** Largest result file `llmsec report` reads. */
export const MAX_RESULT_BYTES = 64 * 1024 * 1024

/** Checks that parsed JSON looks like an audit result (the JSON Schema check is done by the caller's tests). */
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
  for (const [j, r] of value.rules.entries())
    if (!r || typeof r.ruleId !== 'string' || typeof r.status !== 'string' || !Array.isArray(r.evidence))
      throw fail(`rules[${j}] has no ruleId, status or evidence`)
    else if (!(RULE_STATUSES as readonly string[]).includes(r.status))
      throw fail(`rules[${j}].status "${r.status}" is not one of ${RULE_STATUSES.join(', ')}`)
  return value as AuditReport
}

/** Merges several hosts' results into a fleet report; duplicate host names get a suffix. */
export function mergeFleet(
  inputs: {file: string; report: AuditReport}[],
  version?: string,
  now = new Date(),
): FleetReport {
  const seen = new Map<string, number>()
  const hosts = inputs.map(({file, report}) => {
    const base = report.host ?? file
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return {host: n === 1 ? base : `${base} (${n})`, file, report}
  })
  return {
    kind: 'fleet',
    generatedAt: now.toISOString(),
    llmsecVersion: version,
    hosts,
    score: meanScore(hosts.map((h) => h.report.score)),
  }
}
