import type {Severity} from '../core/severity.js'
import type {ModelFormat} from './detect.js'

export type {Severity} from '../core/severity.js'

/** Per-file verdicts, from best to worst. */
export type Verdict = 'clean' | 'suspicious' | 'malformed' | 'unsafe'

/** What the scanner calls a file: the detected format, refined for pickle variants. */
export type ScanFormat = ModelFormat | 'pytorch-legacy' | 'joblib'

/** One problem found in a file (the JSON shape is documented in docs/json/scan.md). */
export interface Finding {
  severity: Severity
  /** A stable reason code, e.g. PICKLE_DANGEROUS_GLOBAL or GGUF_MISALIGNED_OFFSET. */
  code: string
  message: string
  /** The member path inside an archive (nested members joined with '!'), or null for the file itself. */
  member: string | null
  /** The offending imports ("module.name"), empty when none. */
  globals: string[]
}

export interface FileReport {
  path: string
  format: ScanFormat
  size: number
  verdict: Verdict
  findings: Finding[]
}

export interface ScanSummary {
  files: number
  clean: number
  suspicious: number
  malformed: number
  unsafe: number
  findings: number
  /** The highest severity over every finding, or null when there is none. */
  highestSeverity: Severity | null
  durationMs: number
}

export interface ScanResult {
  files: FileReport[]
  summary: ScanSummary
}

/** What inspecting one byte source found: its format and the problems in it. */
export interface Inspection {
  format: ScanFormat
  findings: Finding[]
}

export interface InspectOptions {
  /** The file or member name, used only when content matches no format. */
  name?: string
  /** Archive nesting depth of this source (0 for a file on disk). */
  depth?: number
  /** Inside archives, a member that is not clearly a pickle and fails to parse is data, not a finding. */
  lenient?: boolean
  /** Shared by all archive levels of one file (created on the first). */
  budget?: ArchiveBudget
}

/** Totals of one file's archive members at every nesting level, bounded by ARCHIVE_BUDGET. */
export interface ArchiveBudget {
  inflatedBytes: number
  members: number
}
