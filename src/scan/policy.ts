import {ExitCode} from '../core/errors.js'
import {atLeast} from '../core/severity.js'
import type {ScanResult, Severity} from './scan.types.js'

export interface ScanExitPolicy {
  /** Exit 1 when a finding has this severity or higher (default high). */
  failOn?: Severity
}

/** Findings (1) when any finding of any file reaches the policy's severity, else Ok. */
export function exitCodeFor(result: ScanResult, policy: ScanExitPolicy = {}): ExitCode {
  const failOn = policy.failOn ?? 'high'
  const failed = result.files.some((file) => file.findings.some((f) => atLeast(f.severity, failOn)))
  return failed ? ExitCode.Findings : ExitCode.Ok
}
