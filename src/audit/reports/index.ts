/** Audit reports (JSON, SARIF, JUnit, Markdown, HTML), waivers and fleet merging. */
import {coreError, ExitCode, worstExitCode} from '../../core/errors.js'
import {jsonChunks} from '../../core/json-chunks.js'
import {exitCodeFor} from '../policy.js'
import {FleetBuilder, mergeFleet} from './fleet.js'
import {readAuditResult, readHosts} from './read-hosts.js'
import {fleetChunksOnThreads, pieceThreads} from './host-pieces.js'
import type {PieceFormat} from './report-threads.js'
import {htmlChunks, renderHtml} from './html.js'
import {junitChunks, renderJunit} from './junit.js'
import {renderMarkdown} from './markdown.js'
import type {AuditReport, ReportFormat} from './report.types.js'
import type {FleetReport} from './fleet.types.js'
import {renderSarif, sarifChunks} from './sarif.js'
import {renderAuditMetrics} from './prometheus.js'

export {REPORT_FORMATS, REPORT_EXTENSIONS} from './report.types.js'
export type {AuditReport, HostInventory, RejectedResult, ReportFormat} from './report.types.js'
export type {FleetReport, FleetHost} from './fleet.types.js'
export {renderHtml, renderJunit, renderMarkdown, renderSarif, mergeFleet, readAuditResult}
export {
  rowsOf,
  waiverNotices,
  describeWaiver,
  countDisplay,
  formatHeadline,
  type Row,
  type DisplayStatus,
} from './model.js'
export {loadWaivers, parseWaivers, applyWaivers, DEFAULT_WAIVERS_FILE, type LoadedWaivers} from '../waivers.js'
export type * from '../waivers.types.js'
export {waiversSchema} from '../waivers.schema.js'
export {waiverSettings} from '../waiver-rules.js'
export {summarizeInventory} from '../inventory-summary.js'

/**
 * Renders a report (or a fleet report) in a machine format, in pieces (a host at a time where the
 * format allows), for writeChunksAtomic; `table` is rendered by src/cli.
 */
export function renderReportChunks(
  format: Exclude<ReportFormat, 'table'>,
  input: AuditReport | FleetReport,
  options: {sarifCategory?: string} = {},
): Iterable<string> {
  switch (format) {
    case 'json':
      // A fleet's hosts one by one (depth 2: the fleet object, then its hosts list).
      return withNewline(jsonChunks(input, 2))
    case 'sarif':
      return sarifChunks(input, {category: options.sarifCategory})
    case 'junit':
      return junitChunks(input)
    case 'markdown':
      return [renderMarkdown(input)]
    case 'html':
      return htmlChunks(input)
    case 'prometheus':
      return [renderAuditMetrics(input)]
  }
}

function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks
  yield '\n'
}

/**
 * renderReportChunks, except that a large fleet's JSON, SARIF and JUnit are rendered a host at a time
 * on report threads (host-pieces.ts): the same bytes, in about half the time on two cores.
 */
export function reportChunks(
  format: Exclude<ReportFormat, 'table'>,
  input: AuditReport | FleetReport,
  options: {sarifCategory?: string} = {},
): Iterable<string> | AsyncIterable<string | Uint8Array> {
  const threads = pieceThreads(format, input)
  if (threads === 0) return renderReportChunks(format, input, options)
  return fleetChunksOnThreads(format as PieceFormat, input as FleetReport, threads, {
    category: options.sarifCategory,
  })
}

/** renderReportChunks as one string. */
export function renderReport(
  format: Exclude<ReportFormat, 'table'>,
  input: AuditReport | FleetReport,
  options: {sarifCategory?: string} = {},
): string {
  return [...renderReportChunks(format, input, options)].join('')
}

/**
 * Reads host results for `llmsec report`: one file is that report; several make a fleet, built a
 * host at a time (see FleetBuilder). A file that cannot be read or is refused is listed in
 * `rejected` with its one-line reason and the others are still read. Throws when every file is
 * refused (the one file's own error, or a summary naming the first).
 */
export async function readReports(files: string[], version?: string): Promise<AuditReport | FleetReport> {
  if (files.length === 1) return readAuditResult(files[0]).report
  const builder = new FleetBuilder()
  let first: string | undefined
  await readHosts(files, (read) => {
    if ('json' in read) return builder.addHost(read.file, read.json, read.digest)
    builder.reject(read.file, read.refused)
    first ??= read.refused
  })
  if (builder.size === 0)
    throw coreError(
      'INPUT_MALFORMED',
      `none of the ${files.length} result files could be reported; the first: ${first}`,
    )
  return builder.finish(version)
}

/**
 * The verdict a saved report records: the exit `llmsec audit` gave it under the policy it
 * recorded (for a fleet, the worst host's). `llmsec report` shows it; it does not exit with it.
 */
export function recordedExitCode(input: AuditReport | FleetReport): ExitCode {
  if ('kind' in input && input.kind === 'fleet') return worstExitCode(input.hosts.map((h) => h.summary.exit))
  return exitCodeFor(input as AuditReport, input as AuditReport)
}
