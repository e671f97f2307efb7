import {ExitCode} from '../core/errors.js'
import {atLeast} from '../core/severity.js'
import type {ScanResult, Severity} from './scan.types.js'

export interface ScanExitPolicy {
  /** Exit 1 when a finding has this severity or higher (default high; 'none': never). */
  failOn?: Severity | 'none'
}

/**
 * Unexpected (3) when llmsec itself failed on a file (a bug, reported after every file has its
 * result); else Findings (1) when any finding reaches the policy's severity; else Ok.
 */
export function exitCodeFor(result: ScanResult, policy: ScanExitPolicy = {}): ExitCode {
  const findings = result.files.flatMap((file) => file.findings)
  if (findings.some((f) => f.code === 'SCAN_INTERNAL_ERROR')) return ExitCode.Unexpected
  const failOn = policy.failOn ?? 'high'
  if (failOn === 'none') return ExitCode.Ok
  return findings.some((f) => atLeast(f.severity, failOn)) ? ExitCode.Findings : ExitCode.Ok
}
