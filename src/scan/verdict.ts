import {kindOf} from './codes.js'
import {atLeast, worstSeverity} from '../core/severity.js'
import type {FileReport, Finding, ScanSummary, Severity, Verdict} from './scan.types.js'

/** unsafe (dangerous code) > malformed (broken structure) > suspicious (medium or above) > clean. */
export function judgeFindings(findings: Finding[]): Verdict {
  const kinds = new Set(findings.map((f) => kindOf(f.code)))
  if (kinds.has('dangerous')) return 'unsafe'
  if (kinds.has('malformed')) return 'malformed'
  if (findings.some((f) => atLeast(f.severity, 'medium'))) return 'suspicious'
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
    suspicious: count('suspicious'),
    malformed: count('malformed'),
    unsafe: count('unsafe'),
    findings: all.length,
    highestSeverity: highestSeverity(all),
    durationMs,
  }
}
