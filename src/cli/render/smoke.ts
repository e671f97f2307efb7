import type {SmokeCheck, SmokeReport, SmokeRun} from '../../inference/index.js'
import type {Style} from '../style.js'
import {renderTable} from '../table.js'

function paintStatus(status: SmokeCheck['status'], style: Style): string {
  if (status === 'pass') return style.green('pass')
  if (status === 'fail') return style.red('FAIL')
  if (status === 'warn') return style.yellow('warn')
  if (status === 'inconclusive') return style.yellow('inconclusive')
  return style.dim('skip')
}

function renderReport(report: SmokeReport, style: Style): string {
  const server = report.server.version ? `${report.server.kind} ${report.server.version}` : report.server.kind
  const head = `${style.bold(report.target.location)}  (${server}${report.target.model ? `, model ${report.target.model}` : ''})`
  const rows = report.checks.map((c) => [paintStatus(c.status, style), c.severity, c.id, c.evidence])
  const table = renderTable(rows, {head: ['status', 'severity', 'check', 'evidence'], maxCellWidth: 110})
  const {pass, fail, warn, skip, inconclusive} = report.summary
  const counts = `${pass} passed, ${fail} failed, ${warn} warnings, ${skip} skipped`
  const lines = [head, table, inconclusive > 0 ? `${counts}, ${inconclusive} inconclusive` : counts]
  if (report.generation) {
    const g = report.generation
    lines.push(
      `generated ${g.tokensGenerated} tokens at ${g.tokensPerSec} tokens/s (prompt ${g.promptTokensPerSec} tokens/s, ${g.threads} threads, ${g.gpu || 'cpu'})`,
    )
  }
  return lines.join('\n')
}

/** The smoke result as text: one table of checks per target. */
export function renderSmoke(run: SmokeRun, style: Style): string {
  const reports = 'targets' in run ? run.targets : [run]
  return reports.map((r) => renderReport(r, style)).join('\n\n')
}
