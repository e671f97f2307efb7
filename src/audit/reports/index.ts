/** Audit reports (JSON, SARIF, JUnit, Markdown, HTML), waivers and fleet merging. */
import {readFile} from 'node:fs/promises'

import {coreError, ExitCode, fsError, LlmsecError, worstExitCode} from '../../core/errors.js'
import {suggestedOutput} from '../../core/fs.js'
import {exitCodeFor} from '../policy.js'
import {asAuditReport, MAX_RESULT_BYTES, mergeFleet} from './fleet.js'
import {renderHtml} from './html.js'
import {renderJunit} from './junit.js'
import {renderMarkdown} from './markdown.js'
import type {AuditReport, FleetReport, RejectedResult, ReportFormat} from './report.types.js'
import {renderSarif} from './sarif.js'
import {renderAuditMetrics} from './prometheus.js'

export {REPORT_FORMATS, REPORT_EXTENSIONS} from './report.types.js'
export type {AuditReport, FleetReport, FleetHost, HostInventory, RejectedResult, ReportFormat} from './report.types.js'
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

/** Renders a report (or a fleet report) in a machine format; `table` is rendered by src/cli. */
export function renderReport(
  format: Exclude<ReportFormat, 'table'>,
  input: AuditReport | FleetReport,
  options: {sarifCategory?: string} = {},
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(input, null, 2)}\n`
    case 'sarif':
      return renderSarif(input, {category: options.sarifCategory})
    case 'junit':
      return renderJunit(input)
    case 'markdown':
      return renderMarkdown(input)
    case 'html':
      return renderHtml(input)
    case 'prometheus':
      return renderAuditMetrics(input)
  }
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
 * Reads a batch of host results for `llmsec report`: a file that cannot be read or is refused is
 * listed with its one-line reason and the others are still read. Throws only when every file is
 * refused (the one file's own error, or a summary naming the first).
 */
export async function readResultBatch(
  files: string[],
): Promise<{results: {file: string; report: AuditReport}[]; rejected: RejectedResult[]}> {
  const results = []
  const rejected: RejectedResult[] = []
  for (const file of files) {
    try {
      results.push(await readAuditResult(file))
    } catch (error) {
      if (!(error instanceof LlmsecError) || files.length === 1) throw error
      rejected.push({file, reason: error.message})
    }
  }
  if (results.length === 0)
    throw coreError(
      'INPUT_MALFORMED',
      `none of the ${files.length} result files could be reported; the first: ${rejected[0].reason}`,
    )
  return {results, rejected}
}

/**
 * The verdict a saved report records: the exit `llmsec audit` gave it under the policy it
 * recorded (for a fleet, the worst host's). `llmsec report` shows it; it does not exit with it.
 */
export function recordedExitCode(input: AuditReport | FleetReport): ExitCode {
  if ('kind' in input && input.kind === 'fleet')
    return worstExitCode(input.hosts.map((h) => exitCodeFor(h.report, h.report)))
  return exitCodeFor(input as AuditReport, input as AuditReport)
}

/** One report from one file, a fleet report from several (also when all but one were refused). */
export function combineResults(
  inputs: {file: string; report: AuditReport}[],
  version?: string,
  rejected: RejectedResult[] = [],
): AuditReport | FleetReport {
  if (inputs.length === 1 && rejected.length === 0) return inputs[0].report
  return mergeFleet(inputs, version, new Date(), rejected)
}
