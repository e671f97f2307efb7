import {dirname, join, resolve} from 'node:path'

import {
  REPORT_EXTENSIONS,
  reportChunks,
  rowsOf,
  waiverNotices,
  type AuditReport,
  type FleetReport,
  type ReportFormat,
} from '../audit/reports/index.js'
import {append} from '../core/arrays.js'
import {usageError} from '../core/errors.js'
import {ensureDirectory, writeChunksAtomic} from '../core/fs.js'
import {renderAudit} from './render/audit.js'
import {createStyle, type Style} from './style.js'
import {renderTable} from './table.js'

export interface OutputPlan {
  formats: ReportFormat[]
  /** Where each format goes; null = stdout. */
  targets: (string | null)[]
  sarifCategory?: string
}

/** Checks the format/output combination before the (slow) audit runs. */
export function planOutputs(
  flags: {format?: ReportFormat[]; output?: string; 'output-dir'?: string; 'sarif-category'?: string},
  json: boolean,
): OutputPlan {
  const requested: ReportFormat[] = flags.format?.length ? flags.format : ['table']
  const formats = [...new Set(requested)]
  if (flags.output && flags['output-dir']) throw usageError('Use --output or --output-dir, not both.')
  if (formats.length > 1 && !flags['output-dir'])
    throw usageError(`${formats.length} formats need --output-dir <dir> (one file each).`)
  const targets = formats.map((format) => {
    if (flags['output-dir']) return join(resolve(flags['output-dir']), `llmsec-audit.${REPORT_EXTENSIONS[format]}`)
    return flags.output ? resolve(flags.output) : null
  })
  if (json && targets.some((t, i) => t === null && formats[i] !== 'table' && flags.format?.length))
    throw usageError('--json already prints the result on stdout; add --output <file> for the other format.')
  return {formats, targets, sarifCategory: flags['sarif-category']}
}

/** The fleet table, from the hosts' summaries (no host's result is read again). */
function renderFleetTable(fleet: FleetReport, style: Style): string {
  const hosts = fleet.hosts.map(({host, file, summary: s}) => [
    host,
    s.score.toFixed(1),
    String(s.counts.fail),
    String(s.counts.error),
    String(s.counts.waived),
    file,
  ])
  const failures = fleet.hosts.flatMap(({host, summary}) =>
    summary.failures.map((f) => [host, f.severity, f.key, f.evidence]),
  )
  const out = [
    `${style.bold('Fleet score')} ${fleet.score.toFixed(1)}/100 over ${fleet.hosts.length} hosts`,
    '',
    renderTable(hosts, {head: ['host', 'score', 'failed', 'errors', 'waived', 'file']}),
  ]
  if (failures.length)
    out.push(
      '',
      style.bold(`FAILURES (${failures.length})`),
      renderTable(failures, {head: ['host', 'severity', 'rule', 'evidence'], maxCellWidth: 90}),
    )
  for (const h of fleet.hosts) for (const n of h.summary.notices) out.push(`  ! ${h.host}: ${n.text}`)
  if (fleet.rejected.length) {
    out.push('', style.bold(`REJECTED (${fleet.rejected.length}, not in the report)`))
    append(
      out,
      fleet.rejected.map((r) => `  ! ${r.reason}`),
    )
  }
  return out.join('\n')
}

/** The human table: the audit renderer over the unwaived results, then the waivers. */
export function renderTableReport(input: AuditReport | FleetReport, style: Style, exitCode: number): string {
  if ('kind' in input && input.kind === 'fleet') return renderFleetTable(input, style)
  const report = input as AuditReport
  const out = [renderAudit(report, style, exitCode)]
  const waived = rowsOf(report).filter((r) => r.status === 'waived')
  if (waived.length) {
    out.push('', style.bold(`WAIVED (${waived.length}, not counted in the score)`))
    for (const r of waived)
      out.push(
        `  ${style.cyan('~')} ${r.key}: ${r.result.waived?.reason} (${r.result.waived?.by}, until ${r.result.waived?.expires})`,
      )
  }
  const notices = waiverNotices(report)
  if (notices.length) {
    out.push('', style.bold(`WAIVERS TO REVIEW (${notices.length})`))
    for (const n of notices)
      out.push(`  ${n.outcome.state === 'expired' ? style.red('!') : style.yellow('!')} ${n.text}`)
  }
  return out.join('\n')
}

async function joinChunks(chunks: Iterable<string> | AsyncIterable<string | Uint8Array>): Promise<string> {
  const parts: string[] = []
  const utf8 = new TextDecoder()
  for await (const chunk of chunks) parts.push(typeof chunk === 'string' ? chunk : utf8.decode(chunk))
  return parts.join('')
}

/**
 * Renders every planned format and writes the files (atomically); returns the text for stdout
 * (at most one format goes there) and the files written.
 */
export async function emitReports(
  input: AuditReport | FleetReport,
  plan: OutputPlan,
  style: Style,
  exitCode: number,
): Promise<{stdout: string | null; files: string[]}> {
  let stdout: string | null = null
  const files: string[] = []
  for (const [i, format] of plan.formats.entries()) {
    const target = plan.targets[i]
    const plain = createStyle(false)
    const chunks =
      format === 'table'
        ? [`${renderTableReport(input, target ? plain : style, exitCode)}\n`]
        : reportChunks(format, input, {sarifCategory: plan.sarifCategory})
    if (!target) {
      stdout = await joinChunks(chunks)
      continue
    }
    await ensureDirectory(dirname(target), undefined, target)
    // A fleet report is written a host at a time: it is never one string in memory.
    await writeChunksAtomic(target, chunks)
    files.push(target)
  }
  return {stdout, files}
}
