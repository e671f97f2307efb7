import type {Finding, Severity} from './scan.types.js'

/** How a reason code affects the verdict: dangerous → unsafe, unknown → unknown, malformed → malformed. */
export type FindingKind = 'dangerous' | 'unknown' | 'malformed' | 'note'

interface CodeInfo {
  severity: Severity
  kind: FindingKind
}

const dangerous = (severity: Severity = 'critical'): CodeInfo => ({severity, kind: 'dangerous'})
const notAllowed: CodeInfo = {severity: 'high', kind: 'dangerous'}
const unknown = (severity: Severity = 'high'): CodeInfo => ({severity, kind: 'unknown'})
const malformed = (severity: Severity = 'high'): CodeInfo => ({severity, kind: 'malformed'})
const note = (severity: Severity = 'info'): CodeInfo => ({severity, kind: 'note'})

/** Every reason code the scanner emits, with its severity (docs/json/scan.md lists them). */
export const CODES = {
  // pickle: what a loader would import or call
  UNSAFE_GLOBAL_NOT_ALLOWED: notAllowed,
  PICKLE_DANGEROUS_GLOBAL: dangerous(),
  PICKLE_UNRESOLVED_GLOBAL: dangerous(),
  PICKLE_EXTENSION_CODE: dangerous(),
  PICKLE_BUILD_ON_GLOBAL: dangerous(),
  PICKLE_COMPUTED_CALL: dangerous(),
  PICKLE_NESTED_UNREAD: unknown(),
  PICKLE_PERSISTENT_ID: unknown(),
  // pickle: structure
  PICKLE_TRUNCATED: unknown(),
  PICKLE_LIMIT_EXCEEDED: unknown(),
  PICKLE_MEMO_MISSING: malformed(),
  PICKLE_FRAME_MISMATCH: malformed(),
  PICKLE_INVALID_OPCODE: malformed(),
  PICKLE_BAD_ARGUMENT: malformed(),
  PICKLE_REJECTED: malformed('medium'),
  PICKLE_STACK_UNDERFLOW: malformed(),
  PICKLE_TRAILING_DATA: note('low'),
  TORCH_TAR_BAD: malformed(),
  JOBLIB_ARRAY_UNSIZED: unknown(),
  // zip and other containers
  ZIP_NO_END_RECORD: malformed(),
  ZIP_BAD_CENTRAL_DIRECTORY: malformed(),
  ZIP_TOO_MANY_ENTRIES: unknown(),
  ZIP_NAME_MISMATCH: malformed(),
  ZIP_BAD_LOCAL_HEADER: malformed(),
  ZIP_ENTRY_OUT_OF_BOUNDS: malformed(),
  ZIP_OVERLAPPING_ENTRIES: unknown('critical'),
  ZIP_DUPLICATE_NAME: malformed(),
  ZIP_CRC_MISMATCH: malformed(),
  ZIP_UNINSPECTED_CRC_MISMATCH: unknown(),
  ZIP_SIZE_MISMATCH: malformed(),
  ZIP_CORRUPT_DATA: malformed(),
  ZIP_BOMB: unknown('critical'),
  ZIP_ENCRYPTED: unknown(),
  ZIP_UNSUPPORTED_METHOD: unknown(),
  ZIP_MEMBER_TOO_LARGE: unknown(),
  ZIP_HIDDEN_MEMBER: note('low'),
  ZIP_HIDDEN_MEMBER_UNREAD: unknown(),
  POLYGLOT_ZIP: note('low'),
  ARCHIVE_TOO_DEEP: unknown(),
  COMPRESSION_NOT_READ: unknown(),
  COMPRESSION_TOO_LARGE: unknown(),
  COMPRESSION_CORRUPT: malformed(),
  // numpy
  NUMPY_OBJECT_ARRAY: note(),
  NUMPY_BAD_HEADER: malformed(),
  NUMPY_SIZE_MISMATCH: malformed(),
  NUMPY_DTYPE_UNKNOWN: unknown(),
  // keras / hdf5
  KERAS_LAMBDA_LAYER: dangerous(),
  KERAS_CODE_LAYER: dangerous(),
  KERAS_CUSTOM_OBJECT: notAllowed,
  KERAS_BAD_CONFIG: malformed(),
  HDF5_CONFIG_NOT_FOUND: unknown(),
  // onnx
  ONNX_EXTERNAL_DATA_ESCAPE: dangerous('high'),
  ONNX_EXTERNAL_DATA_MISSING: unknown(),
  ONNX_EXTERNAL_DATA_OUT_OF_BOUNDS: malformed(),
  ONNX_EXTERNAL_DATA_INVALID: malformed(),
  ONNX_MALFORMED: malformed(),
  // safetensors
  SAFETENSORS_TRUNCATED: malformed(),
  SAFETENSORS_HEADER_TOO_LARGE: malformed(),
  SAFETENSORS_HEADER_OUT_OF_BOUNDS: malformed(),
  SAFETENSORS_HEADER_NOT_UTF8: malformed(),
  SAFETENSORS_HEADER_NOT_JSON: malformed(),
  SAFETENSORS_HEADER_NOT_OBJECT: malformed(),
  SAFETENSORS_DUPLICATE_KEY: malformed(),
  SAFETENSORS_BAD_METADATA: malformed(),
  SAFETENSORS_BAD_TENSOR_ENTRY: malformed(),
  SAFETENSORS_UNKNOWN_DTYPE: malformed(),
  SAFETENSORS_OFFSET_GAP: malformed(),
  SAFETENSORS_OFFSET_OVERLAP: malformed(),
  SAFETENSORS_DATA_OUT_OF_BOUNDS: malformed(),
  SAFETENSORS_SIZE_MISMATCH: malformed(),
  SAFETENSORS_TRAILING_DATA: malformed(),
  // gguf
  GGUF_BAD_MAGIC: malformed(),
  GGUF_UNSUPPORTED_VERSION: malformed(),
  GGUF_TRUNCATED: malformed(),
  GGUF_COUNT_TOO_LARGE: malformed(),
  GGUF_LENGTH_OUT_OF_BOUNDS: malformed(),
  GGUF_LENGTH_OVERFLOW: malformed(),
  GGUF_BAD_STRING: malformed(),
  GGUF_INVALID_VALUE_TYPE: malformed(),
  GGUF_NESTING_TOO_DEEP: malformed(),
  GGUF_DUPLICATE_KEY: malformed(),
  GGUF_BAD_ALIGNMENT: malformed(),
  GGUF_DUPLICATE_TENSOR: malformed(),
  GGUF_BAD_DIMENSIONS: malformed(),
  GGUF_BAD_TENSOR_TYPE: malformed(),
  GGUF_BAD_TENSOR_SHAPE: malformed(),
  GGUF_MISALIGNED_OFFSET: malformed(),
  GGUF_TENSOR_OUT_OF_BOUNDS: malformed(),
  GGUF_TENSOR_OVERLAP: malformed(),
  GGUF_TENSOR_NOT_CONTIGUOUS: malformed(),
  // any file
  FORMAT_UNKNOWN: unknown(),
  FORMAT_NOT_MODEL: note(),
  LFS_POINTER: unknown(),
  FILE_UNREADABLE: unknown(),
  SCAN_TIMEOUT: unknown(),
  SCAN_CANCELLED: unknown(),
  SCAN_WORKER_FAILED: unknown(),
  SCAN_INTERNAL_ERROR: unknown(),
} as const satisfies Record<string, CodeInfo>

export type FindingCode = keyof typeof CODES

/** Messages quote attacker-controlled names and values: each is cut to this many characters. */
const MAX_MESSAGE = 500

/** Cuts attacker-controlled text (a name, a value) for a message, marking the cut. */
function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`
}

/** Builds a finding with the severity its code carries; the message and globals are length-capped. */
export function makeFinding(
  code: FindingCode,
  message: string,
  member: string | null = null,
  globals: string[] = [],
): Finding {
  return {
    severity: CODES[code].severity,
    code,
    message: clip(message, MAX_MESSAGE),
    member: member === null ? null : clip(member, MAX_MESSAGE),
    globals: globals.slice(0, 50).map((g) => clip(g, 200)),
  }
}

/** The verdict-relevant kind of a finding's code (codes this version does not know count as unknown). */
export function kindOf(code: string): FindingKind {
  return Object.hasOwn(CODES, code) ? CODES[code as FindingCode].kind : 'unknown'
}
