import {ExitCode, worstExitCode} from '../core/errors.js'
import {atLeast} from '../core/severity.js'
import type {AuditResult, Severity} from './audit.types.js'
import type {AuditComparison} from './compare.types.js'
import {isFailure} from './score.js'
import type {RulesetValidation} from './validate.js'

export interface ExitPolicy {
  /** Exit 1 when the overall score is below this. */
  failUnder?: number | null
  /** Exit 1 when a rule of this severity or worse fails ('none': never; default high). */
  failOn?: Severity | 'none'
  /** Exit 0/1 even when some rules could not be evaluated (else 4, incomplete). */
  allowIncomplete?: boolean
  /**
   * With a comparison (`--compare`): exit 1 only when a failure of this severity or worse is new;
   * replaces failOn and failUnder. Without a comparison every failure counts as new.
   */
  failOnNew?: Severity | null
}

/**
 * The stderr line of an incomplete audit (exit 4): how many rules could not be evaluated and, when
 * llmsec is not root, which of them need root; null when the exit is not Incomplete.
 */
export function incompleteNote(result: AuditResult, exit: ExitCode): string | null {
  if (exit !== ExitCode.Incomplete) return null
  const errors = result.rules.filter((r) => r.status === 'error')
  const root = errors.filter((r) => r.needsRoot).map((r) => r.ruleId)
  const needs = root.length ? `; run as root to evaluate ${root.join(', ')}` : ''
  return `incomplete: ${errors.length} rules could not be evaluated (exit 4; --allow-incomplete exits by --fail-on/--fail-under)${needs}`
}

/** Findings when a failure at or above the threshold is new; with no comparison, every failure is. */
function exitCodeForNew(result: AuditResult & {comparison?: AuditComparison}, threshold: Severity): ExitCode {
  const fresh = result.comparison ? result.comparison.introduced : result.rules.filter(isFailure)
  return fresh.some((r) => atLeast(r.severity, threshold)) ? ExitCode.Findings : ExitCode.Ok
}

/**
 * An audit: Incomplete (4) when a rule could not be evaluated (an `error`) unless allowIncomplete;
 * else Findings (1) when it breaks the policy (an error counts as a failure of its severity), else
 * Ok; waived results never count. With failOnNew, Findings only for a new failure at or above it.
 * A ruleset validation: the worst exit of its invalid files (2), else Ok.
 */
export function exitCodeFor(result: AuditResult, policy: ExitPolicy): ExitCode
export function exitCodeFor(result: RulesetValidation): ExitCode
export function exitCodeFor(result: AuditResult | RulesetValidation, policy: ExitPolicy = {}): ExitCode {
  if ('invalid' in result) return worstExitCode(result.invalid.map((f) => f.exit))
  if (!policy.allowIncomplete && result.rules.some((r) => r.status === 'error')) return ExitCode.Incomplete
  if (policy.failOnNew) return exitCodeForNew(result, policy.failOnNew)
  if (policy.failUnder !== undefined && policy.failUnder !== null && result.score < policy.failUnder)
    return ExitCode.Findings
  const failOn = policy.failOn ?? 'high'
  if (failOn === 'none') return ExitCode.Ok
  const failed = result.rules.filter(isFailure)
  return failed.some((r) => atLeast(r.severity, failOn)) ? ExitCode.Findings : ExitCode.Ok
}
