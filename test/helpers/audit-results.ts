import type {AuditResult, RuleResult} from '../../src/audit/index.js'
import {countStatuses, scoreAudit, SEVERITY_WEIGHTS} from '../../src/audit/score.js'

/** The distinct rules of an audit that a ruleset contains (all rules without one), by id. */
export function rulesOf(audit: AuditResult, ruleset?: string): Map<string, RuleResult> {
  if (ruleset && !audit.rulesets.some((r) => r.id === ruleset)) throw new Error(`no ruleset ${ruleset} in output`)
  const rules = ruleset ? audit.rules.filter((r) => r.rulesets?.includes(ruleset)) : audit.rules
  return new Map(rules.map((r) => [r.ruleId, r]))
}

/** An audit of the given results as one ruleset's rules, scored as the engine scores it. */
export function auditOf(results: RuleResult[], rulesetId = 'baseline', extra: Partial<AuditResult> = {}): AuditResult {
  const rules = results.map((r) => ({...r, rulesets: r.rulesets ?? [rulesetId]}))
  const audit: AuditResult = {
    score: 0,
    rules,
    rulesets: [
      {
        id: rulesetId,
        score: 0,
        rules: rules.map((r) => ({
          ruleId: r.ruleId,
          status: r.status,
          severity: r.severity,
          weight: r.weight ?? SEVERITY_WEIGHTS[r.severity],
          controls: r.controls,
        })),
      },
    ],
    summary: countStatuses([]),
    ...extra,
  }
  scoreAudit(audit)
  return audit
}
