/** Audit reports (JSON, SARIF, JUnit, Markdown, HTML), waivers and fleet merging. */
import {readFile} from 'node:fs/promises'

import {fsError, LlmsecError} from '../../core/errors.js'
import type {FactCache} from '../facts/index.js'
import {summarizeInventory} from '../inventory-summary.js'
import type {AuditResult} from '../types.js'
import {applyWaivers, type LoadedWaivers} from '../waivers.js'
import {asAuditReport, MAX_RESULT_BYTES, mergeFleet} from './fleet.js'
import {renderHtml} from './html.js'
import {renderJunit} from './junit.js'
import {renderMarkdown} from './markdown.js'
import type {AuditReport, FleetReport, ReportFormat} from './report.types.js'
import {renderSarif} from './sarif.js'

export {REPORT_FORMATS, REPORT_EXTENSIONS} from './report.types.js'
export type {AuditReport, FleetReport, FleetHost, HostInventory, ReportFormat} from './report.types.js'
export {renderHtml, renderJunit, renderMarkdown, renderSarif, mergeFleet}
export {
  rowsOf,
  displayStatus,
  waiverNotices,
  describeWaiver,
  countDisplay,
  type Row,
  type DisplayStatus,
} from './model.js'
export {loadWaivers, parseWaivers, applyWaivers, DEFAULT_WAIVERS_FILE, type LoadedWaivers} from '../waivers.js'
export type * from '../waivers.types.js'
export {waiversSchema} from '../waivers.schema.js'
export {summarizeInventory} from '../inventory-summary.js'

/**
 * Turns a finished audit into a report: applies waivers (and scores again) and adds the host
 * inventory from the audit's fact cache.
 */
export async function prepareReport(
  audit: AuditResult,
  options: {waivers?: LoadedWaivers | null; facts?: FactCache; now?: Date} = {},
): Promise<AuditReport> {
  const {audit: waived, waivers} = applyWaivers(audit, options.waivers ?? null, options.now)
  const report: AuditReport = waived
  if (options.waivers) report.waivers = waivers
  if (options.facts) report.inventory = await summarizeInventory(options.facts)
  return report
}

/** Renders a report (or a fleet report) in a machine format; `table` is rendered by src/cli. */
export function renderReport(format: Exclude<ReportFormat, 'table'>, input: AuditReport | FleetReport): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(input, null, 2)}\n`
    case 'sarif':
      return renderSarif(input)
    case 'junit':
      return renderJunit(input)
    case 'markdown':
      return renderMarkdown(input)
    case 'html':
      return renderHtml(input)
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
        throw new LlmsecError(`${file} is larger than ${MAX_RESULT_BYTES} bytes.`, 'INPUT_MALFORMED')
      text = buffer.toString('utf8')
    } catch (error) {
      if (error instanceof LlmsecError) throw error
      throw fsError(error, file)
    }
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (error) {
      throw new LlmsecError(
        `${file} is not JSON (${(error as Error).message}). Save results with llmsec audit --json.`,
        'INPUT_MALFORMED',
      )
    }
    out.push({file, report: asAuditReport(data, file)})
  }
  return out
}

/** One report from one file, a fleet report from several. */
export function combineResults(
  inputs: {file: string; report: AuditReport}[],
  version?: string,
): AuditReport | FleetReport {
  if (inputs.length === 1) return inputs[0].report
  return mergeFleet(inputs, version)
}
