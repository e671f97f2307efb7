import type {Finding, Severity} from './scan.types.js'

/** How a reason code affects the verdict: dangerous → unsafe, malformed → malformed, suspicious → suspicious. */
export type FindingKind = 'dangerous' | 'malformed' | 'suspicious' | 'note'

interface CodeInfo {
  severity: Severity
  kind: FindingKind
}

const dangerous = (severity: Severity = 'critical'): CodeInfo => ({severity, kind: 'dangerous'})
const malformed = (severity: Severity = 'high'): CodeInfo => ({severity, kind: 'malformed'})
const suspicious = (severity: Severity = 'medium'): CodeInfo => ({severity, kind: 'suspicious'})
const note = (severity: Severity = 'info'): CodeInfo => ({severity, kind: 'note'})

/** Every reason code the scanner emits, with its severity (docs/json/scan.md lists them). */
export const CODES = {
  // pickle
  PICKLE_DANGEROUS_GLOBAL: dangerous(),
  PICKLE_UNKNOWN_GLOBAL: suspicious(),
  PICKLE_UNRESOLVED_GLOBAL: malformed(),
  PICKLE_EXTENSION_CODE: suspicious(),
  PICKLE_MEMO_MISSING: malformed(),
  PICKLE_FRAME_MISMATCH: malformed(),
  PICKLE_TRUNCATED: malformed(),
  PICKLE_INVALID_OPCODE: malformed(),
  PICKLE_BAD_ARGUMENT: malformed(),
  PICKLE_STACK_UNDERFLOW: malformed(),
  PICKLE_LIMIT_EXCEEDED: malformed(),
  PICKLE_TRAILING_DATA: suspicious('low'),
  JOBLIB_ARRAY_UNSIZED: suspicious(),
  // zip
  ZIP_NO_END_RECORD: malformed(),
  ZIP_BAD_CENTRAL_DIRECTORY: malformed(),
  ZIP_TOO_MANY_ENTRIES: malformed(),
  ZIP_NAME_MISMATCH: malformed(),
  ZIP_BAD_LOCAL_HEADER: malformed(),
  ZIP_ENTRY_OUT_OF_BOUNDS: malformed(),
  ZIP_OVERLAPPING_ENTRIES: malformed(),
  ZIP_DUPLICATE_NAME: malformed(),
  ZIP_CRC_MISMATCH: malformed(),
  ZIP_SIZE_MISMATCH: malformed(),
  ZIP_CORRUPT_DATA: malformed(),
  ZIP_BOMB: malformed('critical'),
  ZIP_ENCRYPTED: suspicious(),
  ZIP_UNSUPPORTED_METHOD: suspicious(),
  ZIP_MEMBER_TOO_LARGE: suspicious(),
  ARCHIVE_TOO_DEEP: suspicious(),
  // numpy
  NUMPY_OBJECT_ARRAY: note('low'),
  NUMPY_BAD_HEADER: malformed(),
  NUMPY_SIZE_MISMATCH: malformed(),
  // keras / hdf5
  KERAS_LAMBDA_LAYER: dangerous(),
  KERAS_CODE_LAYER: dangerous('high'),
  KERAS_CUSTOM_OBJECT: suspicious(),
  KERAS_BAD_CONFIG: malformed(),
  HDF5_CONFIG_NOT_FOUND: note(),
  // onnx
  ONNX_EXTERNAL_DATA_ESCAPE: dangerous('high'),
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
  // any file
  FILE_UNREADABLE: malformed(),
  FORMAT_UNKNOWN: note(),
} as const satisfies Record<string, CodeInfo>

export type FindingCode = keyof typeof CODES

/** Builds a finding with the severity its code carries. */
export function makeFinding(
  code: FindingCode,
  message: string,
  member: string | null = null,
  globals: string[] = [],
): Finding {
  return {severity: CODES[code].severity, code, message, member, globals}
}

/** The verdict-relevant kind of a finding's code (unknown codes count as suspicious). */
export function kindOf(code: string): FindingKind {
  return (CODES as Record<string, CodeInfo>)[code]?.kind ?? 'suspicious'
}
