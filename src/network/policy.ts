import {ExitCode} from '../core/errors.js'
import type {FirewallReport} from './network.types.js'
import type {EgressReport} from './egress.js'
import {FAILING_SEVERITIES} from './findings.js'

/**
 * Findings (1) when the firewall analysis has a high or critical finding, or when the egress
 * probe reached a target that is not allowed; else Ok.
 */
export function exitCodeFor(report: FirewallReport | EgressReport): ExitCode {
  const failed =
    'violations' in report
      ? report.violations.length > 0
      : report.findings.some((f) => FAILING_SEVERITIES.includes(f.severity))
  return failed ? ExitCode.Findings : ExitCode.Ok
}
