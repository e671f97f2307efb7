import type {FileReport, ScanResult, Verdict} from '../../scan/index.js'
import type {Style} from '../style.js'
import {formatBytes} from '../../core/format.js'
import {renderTable} from '../table.js'

function paintVerdict(verdict: Verdict, style: Style): string {
  if (verdict === 'unsafe') return style.red(style.bold(verdict))
  if (verdict === 'unknown') return style.yellow(style.bold(verdict))
  if (verdict === 'malformed') return style.magenta(verdict)
  return style.green(verdict)
}

function renderFile(file: FileReport, style: Style): string {
  const head = `${style.bold(file.path)}  ${file.format}  ${formatBytes(file.size)}  ${paintVerdict(file.verdict, style)}`
  if (file.findings.length === 0) return head
  const rows = file.findings.map((f) => [f.severity, f.code, f.member ?? '-', f.globals.join(', ') || '-', f.message])
  return `${head}\n${renderTable(rows, {head: ['SEVERITY', 'CODE', 'MEMBER', 'GLOBALS', 'MESSAGE'], indent: 2, maxCellWidth: 60})}`
}

/** The human report of `llmsec scan`: one block per file, the allowances used, then a summary line. */
export function renderScanReport(result: ScanResult, style: Style): string {
  const s = result.summary
  const blocks = result.files.map((file) => renderFile(file, style))
  const allowances = result.allowances.map(
    (a) =>
      `allowed by policy: ${a.global} (${a.files === 0 ? 'not used' : `used by ${a.files} file${a.files === 1 ? '' : 's'}`})`,
  )
  const summary =
    `${s.files} file${s.files === 1 ? '' : 's'} scanned in ${s.durationMs} ms: ${s.clean} clean, ${s.unsafe} unsafe, ` +
    `${s.unknown} unknown, ${s.malformed} malformed`
  return [...blocks, '', ...allowances, summary].join('\n')
}
