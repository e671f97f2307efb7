import {makeFinding, type FindingCode} from './codes.js'
import {findDuplicateKey} from './json-keys.js'
import type {ByteSource} from './source.js'
import type {Finding} from './scan.types.js'

/** The safetensors reference implementation refuses headers above 100 MB. */
const SAFETENSORS_MAX_HEADER = 100_000_000

/** Bits per element of each dtype the format defines. */
const DTYPE_BITS: Record<string, number> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  F64: 64,
  I64: 64,
  U64: 64,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  C64: 64,
}

interface TensorRange {
  name: string
  begin: bigint
  end: bigint
}

/** Thrown inside the parser and caught at its entry point; not an Error, so no stack is captured (fuzzing throws a lot). */
class HeaderError {
  constructor(
    readonly code: FindingCode,
    readonly message: string,
  ) {}
}

const isUint = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0

function checkTensor(name: string, entry: unknown): TensorRange {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new HeaderError('SAFETENSORS_BAD_TENSOR_ENTRY', `tensor "${name}" is not an object`)
  const {dtype, shape, data_offsets: offsets} = entry as Record<string, unknown>
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BITS, dtype))
    throw new HeaderError('SAFETENSORS_UNKNOWN_DTYPE', `tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}`)
  if (!Array.isArray(shape) || !shape.every(isUint))
    throw new HeaderError(
      'SAFETENSORS_BAD_TENSOR_ENTRY',
      `tensor "${name}" has a shape that is not a list of non-negative integers`,
    )
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isUint) || offsets[0] > offsets[1])
    throw new HeaderError('SAFETENSORS_BAD_TENSOR_ENTRY', `tensor "${name}" has invalid data_offsets`)
  const bits = shape.reduce((n: bigint, d: number) => n * BigInt(d), BigInt(DTYPE_BITS[dtype]))
  const expected = (bits + 7n) / 8n
  const begin = BigInt(offsets[0])
  const end = BigInt(offsets[1])
  if (end - begin !== expected)
    throw new HeaderError(
      'SAFETENSORS_SIZE_MISMATCH',
      `tensor "${name}" is ${dtype}[${shape.join(', ')}] = ${expected} bytes but data_offsets span ${end - begin}`,
    )
  return {name, begin, end}
}

function checkLayout(ranges: TensorRange[], dataLength: bigint): void {
  ranges.sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : a.end < b.end ? -1 : 1))
  let cursor = 0n
  for (const range of ranges) {
    if (range.begin > cursor)
      throw new HeaderError(
        'SAFETENSORS_OFFSET_GAP',
        `tensor "${range.name}" starts at ${range.begin}, leaving a gap after byte ${cursor}`,
      )
    if (range.begin < cursor)
      throw new HeaderError(
        'SAFETENSORS_OFFSET_OVERLAP',
        `tensor "${range.name}" starts at ${range.begin}, overlapping data that ends at ${cursor}`,
      )
    if (range.end > dataLength)
      throw new HeaderError(
        'SAFETENSORS_DATA_OUT_OF_BOUNDS',
        `tensor "${range.name}" ends at ${range.end}, past the ${dataLength} data bytes`,
      )
    cursor = range.end
  }
  if (cursor < dataLength)
    throw new HeaderError('SAFETENSORS_TRAILING_DATA', `${dataLength - cursor} bytes follow the last tensor`)
}

function parseHeader(source: ByteSource): {header: Record<string, unknown>; dataLength: bigint} {
  if (source.size < 8)
    throw new HeaderError('SAFETENSORS_TRUNCATED', `file is ${source.size} bytes, too short for a header length`)
  const length = source.read(0, 8).readBigUInt64LE(0)
  if (length > BigInt(SAFETENSORS_MAX_HEADER))
    throw new HeaderError('SAFETENSORS_HEADER_TOO_LARGE', `header length ${length} exceeds ${SAFETENSORS_MAX_HEADER}`)
  if (8n + length > BigInt(source.size))
    throw new HeaderError(
      'SAFETENSORS_HEADER_OUT_OF_BOUNDS',
      `header length ${length} runs past the ${source.size}-byte file`,
    )
  let text: string
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(source.read(8, Number(length)))
  } catch {
    throw new HeaderError('SAFETENSORS_HEADER_NOT_UTF8', 'header is not valid UTF-8')
  }
  let header: unknown
  try {
    header = JSON.parse(text)
  } catch (error) {
    throw new HeaderError('SAFETENSORS_HEADER_NOT_JSON', `header is not JSON: ${(error as Error).message}`)
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new HeaderError('SAFETENSORS_HEADER_NOT_OBJECT', 'header is JSON but not an object')
  const duplicate = findDuplicateKey(text)
  if (duplicate !== null) throw new HeaderError('SAFETENSORS_DUPLICATE_KEY', `header repeats the key "${duplicate}"`)
  return {header: header as Record<string, unknown>, dataLength: BigInt(source.size) - 8n - length}
}

/** Validates a safetensors header against every rule of the format; never reads tensor data. */
export function checkSafetensors(source: ByteSource, member: string | null): Finding[] {
  try {
    const {header, dataLength} = parseHeader(source)
    const ranges: TensorRange[] = []
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') {
        // The crate reads it as Option<HashMap<String, String>>: null is no metadata.
        const ok =
          entry === null ||
          (typeof entry === 'object' &&
            entry !== null &&
            !Array.isArray(entry) &&
            Object.values(entry).every((v) => typeof v === 'string'))
        if (!ok) throw new HeaderError('SAFETENSORS_BAD_METADATA', '__metadata__ must map strings to strings')
        continue
      }
      ranges.push(checkTensor(name, entry))
    }
    checkLayout(ranges, dataLength)
    return []
  } catch (error) {
    if (!(error instanceof HeaderError)) throw error
    return [makeFinding(error.code, error.message, member)]
  }
}
