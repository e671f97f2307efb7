import type {AuditResult, Severity} from '../audit.types.js'
import type {AuditComparison} from '../compare.types.js'
import type {WaiverReport} from '../waivers.types.js'

/** A short inventory of the audited host, for reports (gathered from the audit's own facts). */
export interface HostInventory {
  os: string | null
  gpus: string[]
  /** Why GPUs are not listed (offline root, no nvidia-smi). */
  gpuNote?: string
  runtimes: {runtime: string; source: string; location: string; user: string | null}[]
  modelDirs: string[]
  modelFiles: number
  modelBytes: number
  /** Every model file found by content (the same finder and fields as `llmsec inventory`). */
  models?: {path: string; format: string; sizeBytes: number}[]
}

/**
 * What reports render: the audit result plus, optionally, what became of the waivers and the host
 * inventory. It is what `llmsec audit --json` / `--format json` print and `llmsec report` reads.
 */
export interface AuditReport extends AuditResult {
  waivers?: WaiverReport
  inventory?: HostInventory
  /** With `--compare previous.json`: what changed since that run. */
  comparison?: AuditComparison
  /** `--fail-on-new`: the exit counted only new failures at or above this severity. */
  failOnNew?: Severity | null
}

/** A result file `llmsec report` left out, with the one-line reason. */
export interface RejectedResult {
  file: string
  reason: string
}

export const REPORT_FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown', 'html', 'prometheus'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** File extension per format (`llmsec-audit.<ext>` under --output-dir). */
export const REPORT_EXTENSIONS: Record<ReportFormat, string> = {
  table: 'txt',
  json: 'json',
  sarif: 'sarif',
  junit: 'junit.xml',
  markdown: 'md',
  html: 'html',
  prometheus: 'prom',
}
