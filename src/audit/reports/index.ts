/** Audit reports (JSON, SARIF, JUnit, Markdown, HTML), waivers and fleet merging. */
import {readFile} from 'node:fs/promises'

import {coreError, ExitCode, fsError, LlmsecError, worstExitCode} from '../../core/errors.js'
import {suggestedOutput} from '../../core/fs.js'
import {jsonChunks} from '../../core/json-chunks.js'
import {exitCodeFor} from '../policy.js'
import {asAuditReport, FleetBuilder, MAX_RESULT_BYTES, mergeFleet} from './fleet.js'
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
export {renderHtml, renderJunit, renderMarkdown, renderSarif, mergeFleet}
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

/** renderReportChunks as one string. */
export function renderReport(
  format: Exclude<ReportFormat, 'table'>,
  input: AuditReport | FleetReport,
  options: {sarifCategory?: string} = {},
): string {
  return [...renderReportChunks(format, input, options)].join('')
}

/** Reads one saved audit result (`llmsec audit --json` output); throws when it cannot be read or is not one. */
export async function readAuditResult(file: string): Promise<{file: string; report: AuditReport}> {
  let text: string
  try {
    const buffer = await readFile(file)
    if (buffer.length > MAX_RESULT_BYTES)
      throw coreError('INPUT_MALFORMED', `${file} is larger than ${MAX_RESULT_BYTES} bytes.`)
    text = buffer.toString('utf8')
  } catch (error) {
    throw fsError(error, file)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw coreError(
      'INPUT_MALFORMED',
      `${file} is not JSON (${(error as Error).message}). Save one with llmsec audit --json --output ${suggestedOutput('audit.json', file)}.`,
    )
  }
  return {file, report: asAuditReport(data, file)}
}

/** Reads saved audit results, all or nothing (`audit --compare`). */
export async function readAuditResults(files: string[]): Promise<{file: string; report: AuditReport}[]> {
  const out = []
  for (const file of files) out.push(await readAuditResult(file))
  return out
}

/**
 * Reads host results for `llmsec report`: one file is that report; several make a fleet, built a
 * host at a time (see FleetBuilder). A file that cannot be read or is refused is listed in
 * `rejected` with its one-line reason and the others are still read. Throws when every file is
 * refused (the one file's own error, or a summary naming the first).
 */
export async function readReports(files: string[], version?: string): Promise<AuditReport | FleetReport> {
  if (files.length === 1) return (await readAuditResult(files[0])).report
  const builder = new FleetBuilder({lazy: true})
  let first: string | undefined
  for (const file of files) {
    try {
      builder.add(file, (await readAuditResult(file)).report)
    } catch (error) {
      if (!(error instanceof LlmsecError)) throw error
      builder.reject(file, error.message)
      first ??= error.message
    }
  }
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
