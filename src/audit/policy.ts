import {ExitCode, worstExitCode} from '../core/errors.js'
import {atLeast} from '../core/severity.js'
import type {AuditResult, Severity} from './audit.types.js'
import type {RulesetValidation} from './validate.js'

export interface ExitPolicy {
  /** Exit 1 when the overall score is below this. */
  failUnder?: number | null
  /** Exit 1 when a rule of this severity or worse fails ('none': never; default high). */
  failOn?: Severity | 'none'
}

/**
 * An audit: Findings (1) when it breaks the policy, else Ok; waived results never count.
 * A ruleset validation: the worst exit of its invalid files (2), else Ok.
 */
export function exitCodeFor(result: AuditResult, policy: ExitPolicy): ExitCode
export function exitCodeFor(result: RulesetValidation): ExitCode
export function exitCodeFor(result: AuditResult | RulesetValidation, policy: ExitPolicy = {}): ExitCode {
  if ('invalid' in result) return worstExitCode(result.invalid.map((f) => f.exit))
  if (policy.failUnder !== undefined && policy.failUnder !== null && result.score < policy.failUnder)
    return ExitCode.Findings
  const failOn = policy.failOn ?? 'high'
  if (failOn === 'none') return ExitCode.Ok
  const failed = result.rulesets.flatMap((r) => r.results).filter((r) => r.status === 'fail')
  return failed.some((r) => atLeast(r.severity, failOn)) ? ExitCode.Findings : ExitCode.Ok
}
