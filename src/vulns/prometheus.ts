import {renderExposition, runMetrics} from '../core/prometheus.js'
import {SEVERITIES} from '../core/severity.js'
import type {VulnReport} from './vulns.types.js'

/** `vulns --format prometheus`: open (not ignored) findings per severity, ignored ones, run time. */
export function renderVulnMetrics(report: VulnReport, now = new Date()): string {
  return renderExposition([
    {
      name: 'llmsec_vulnerabilities',
      help: 'Known vulnerabilities found in installed packages, not ignored or waived, per severity.',
      samples: SEVERITIES.map((severity) => ({labels: {severity}, value: report.summary.bySeverity[severity]})),
    },
    {
      name: 'llmsec_vulnerabilities_ignored',
      help: 'Vulnerabilities found but ignored (--ignore) or waived.',
      samples: [{value: report.summary.ignored}],
    },
    ...runMetrics('vulns', now, report.summary.durationMs),
  ])
}
