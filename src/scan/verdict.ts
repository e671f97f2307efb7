import {kindOf} from './codes.js'
import {worstSeverity} from '../core/severity.js'
import type {Allowance, FileReport, Finding, ScanSummary, Severity, Verdict} from './scan.types.js'

/**
 * unsafe (a loader would run or import something not allowed) > unknown (not fully analysed, so
 * possibly unsafe) > malformed (a loader would reject it) > clean.
 */
export function judgeFindings(findings: Finding[]): Verdict {
  const kinds = new Set(findings.map((f) => kindOf(f.code)))
  if (kinds.has('dangerous')) return 'unsafe'
  if (kinds.has('unknown')) return 'unknown'
  if (kinds.has('malformed')) return 'malformed'
  return 'clean'
}

/** The highest severity among findings, or null. */
function highestSeverity(findings: Finding[]): Severity | null {
  return worstSeverity(findings.map((f) => f.severity))
}

export function summarise(files: FileReport[], durationMs: number): ScanSummary {
  const all = files.flatMap((f) => f.findings)
  const count = (verdict: Verdict) => files.filter((f) => f.verdict === verdict).length
  return {
    files: files.length,
    clean: count('clean'),
    unsafe: count('unsafe'),
    unknown: count('unknown'),
    malformed: count('malformed'),
    findings: all.length,
    highestSeverity: highestSeverity(all),
    durationMs,
  }
}

/** Each organisation allowance with the number of files that relied on it (unused ones count 0). */
export function countAllowances(allow: Iterable<string>, files: FileReport[]): Allowance[] {
  return [...new Set(allow)].sort().map((global) => ({
    global,
    files: files.filter((f) => f.allowed.includes(global)).length,
  }))
}
