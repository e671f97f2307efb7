import type {Severity} from '../core/severity.js'
import type {DecodeMemory} from './decoded.js'
import type {ModelFormat} from './detect.js'

export type {Severity} from '../core/severity.js'

/**
 * Per-file verdicts. `clean`: every byte a loader would execute was analysed and allowed.
 * `unsafe`: loading it can run code (or imports something outside the allowlist). `unknown`: part
 * of it could not be analysed, so it is not clean. `malformed`: a loader would reject it.
 */
export type Verdict = 'clean' | 'unsafe' | 'unknown' | 'malformed'

/** What the scanner calls a file: the detected format, refined for pickle variants. */
export type ScanFormat = ModelFormat | 'pytorch-legacy' | 'pytorch-tar' | 'joblib' | 'compressed' | '7z' | 'lfs-pointer'

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
  /** Globals outside the built-in allowlist that --allow-global / scan.allowGlobals let through here. */
  allowed: string[]
}

/** An organisation allowance (--allow-global or scan.allowGlobals) and how many files relied on it. */
export interface Allowance {
  global: string
  files: number
}

export interface ScanSummary {
  files: number
  clean: number
  unsafe: number
  unknown: number
  malformed: number
  findings: number
  /** The highest severity over every finding, or null when there is none. */
  highestSeverity: Severity | null
  durationMs: number
}

export interface ScanResult {
  files: FileReport[]
  allowances: Allowance[]
  summary: ScanSummary
}

/** How imports are judged beyond the built-in allowlist. */
export interface GlobalPolicy {
  /** Extra "module.name" globals an organisation allows. */
  allow: ReadonlySet<string>
}

export interface Inspection {
  format: ScanFormat
  findings: Finding[]
}

/** Work shared by every archive level of one file, so nested archives cannot multiply it. */
export interface ArchiveBudget {
  inflatedBytes: number
  members: number
}

export interface InspectOptions {
  /** The file or member name: a model extension makes unrecognised content `unknown`. */
  name?: string
  /** The user named this file explicitly: unrecognised content is `unknown`, not ignored. */
  explicit?: boolean
  /** Archive (or nested pickle) depth of this source (0 for a file on disk). */
  depth?: number
  /** Inside archives, a member that is not clearly a pickle and fails to parse is data, not a finding. */
  lenient?: boolean
  /** Shared by all archive levels of one file (created on the first). */
  budget?: ArchiveBudget
  /** Memory for decompressed data, shared by all nesting levels of one file (created on the first). */
  memory?: DecodeMemory
  /** How globals are judged (default: the built-in allowlist only). */
  policy?: GlobalPolicy
  /** Allowances used, collected over the whole file. */
  allowed?: Set<string>
  /** The directory of the file on disk, to resolve ONNX external data; null inside archives. */
  directory?: string | null
}
