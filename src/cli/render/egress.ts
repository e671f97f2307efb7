import type {EgressReport} from '../../network/index.js'
import type {Style} from '../style.js'
import {renderTable} from '../table.js'

/** The human report of `llmsec egress`. */
export function renderEgressReport(report: EgressReport, style: Style): string {
  const rows = report.targets.map((t) => [
    t.target,
    t.address ?? '-',
    t.reachable ? (t.allowed ? style.yellow('reachable') : style.red('reachable')) : style.green('blocked'),
    t.allowed ? 'yes' : 'no',
    t.latencyMs === null ? '-' : `${t.latencyMs} ms`,
    t.error ?? '',
  ])
  const table = renderTable(rows, {
    head: ['target', 'address', 'result', 'allowed', 'latency', 'detail'],
    maxCellWidth: 48,
  })
  const summary =
    report.violations.length === 0
      ? style.green('No target outside the allowlist is reachable.')
      : style.red(`${report.violations.length} target(s) reachable but not allowed: ${report.violations.join(', ')}`)
  return `${table}\n\n${summary}`
}
