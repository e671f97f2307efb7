/** Audit reports (JSON, SARIF, JUnit, Markdown, HTML), waivers and fleet merging. */
import {readFile} from 'node:fs/promises'

import {coreError, ExitCode, fsError, worstExitCode} from '../../core/errors.js'
import {suggestedOutput} from '../../core/fs.js'
import {exitCodeFor} from '../policy.js'
import {asAuditReport, MAX_RESULT_BYTES, mergeFleet} from './fleet.js'
import {renderHtml} from './html.js'
import {renderJunit} from './junit.js'
import {renderMarkdown} from './markdown.js'
import type {AuditReport, FleetReport, ReportFormat} from './report.types.js'
import {renderSarif} from './sarif.js'
import {renderAuditMetrics} from './prometheus.js'

export {REPORT_FORMATS, REPORT_EXTENSIONS} from './report.types.js'
export type {AuditReport, FleetReport, FleetHost, HostInventory, ReportFormat} from './report.types.js'
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

/** Reads saved audit results (`llmsec audit --json` output) for `llmsec report`. */
export async function readAuditResults(files: string[]): Promise<{file: string; report: AuditReport}[]> {
  const out = []
  for (const file of files) {
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
    out.push({file, report: asAuditReport(data, file)})
  }
  return out
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

/** One report from one file, a fleet report from several. */
export function combineResults(
  inputs: {file: string; report: AuditReport}[],
  version?: string,
): AuditReport | FleetReport {
  if (inputs.length === 1) return inputs[0].report
  return mergeFleet(inputs, version)
}
