import {makeFinding} from './codes.js'
import {classifyGlobal} from './dangerous.js'
import type {Finding, GlobalPolicy} from './scan.types.js'

const listed = (refs: string[]) =>
  refs.length <= 20 ? refs.join(', ') : `${refs.slice(0, 20).join(', ')} and ${refs.length - 20} more`

/**
 * Judges the globals a pickle imports: known-dangerous ones are critical, anything else off the
 * allowlist is high (UNSAFE_GLOBAL_NOT_ALLOWED). Organisation allowances that let a global through are
 * added to `allowed`, so the report can say which were used.
 */
export function judgeGlobals(globals: string[], policy?: GlobalPolicy, allowed?: Set<string>): Finding[] {
  const dangerous: string[] = []
  const notAllowed: string[] = []
  for (const ref of globals) {
    const verdict = classifyGlobal(ref, policy)
    if (verdict === 'dangerous') dangerous.push(ref)
    else if (verdict === 'not-allowed') notAllowed.push(ref)
    else if (verdict === 'allowed-by-policy') allowed?.add(ref)
  }
  const findings: Finding[] = []
  if (dangerous.length > 0)
    findings.push(
      makeFinding(
        'PICKLE_DANGEROUS_GLOBAL',
        `pickle imports ${listed(dangerous)}: loading it can run code`,
        null,
        dangerous,
      ),
    )
  if (notAllowed.length > 0)
    findings.push(
      makeFinding(
        'UNSAFE_GLOBAL_NOT_ALLOWED',
        `pickle imports ${listed(notAllowed)}, outside the allowlist (see docs/scan-policy.md; --allow-global widens it)`,
        null,
        notAllowed,
      ),
    )
  return findings
}
