import {atLeast} from '../core/severity.js'
import type {AuditResult, Severity} from './types.js'

export interface ExitPolicy {
  /** Exit 1 when the overall score is below this. */
  failUnder?: number | null
  /** Exit 1 when a rule of this severity or worse fails ('none': never). */
  failOn?: Severity | 'none'
}

/** 1 when the audit breaks the policy, else 0 (waived results never count). */
export function exitCodeFor(result: AuditResult, policy: ExitPolicy): 0 | 1 {
  if (policy.failUnder !== undefined && policy.failUnder !== null && result.score < policy.failUnder) return 1
  const failOn = policy.failOn ?? 'high'
  if (failOn === 'none') return 0
  const failed = result.rulesets.flatMap((r) => r.results).filter((r) => r.status === 'fail' && !r.waived)
  return failed.some((r) => atLeast(r.severity, failOn)) ? 1 : 0
}
