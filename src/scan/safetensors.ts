import {makeFinding, type FindingCode} from './codes.js'
import {JsonSyntaxError, parseStrictJson, U64_MAX, usizeOf, type JsonValue} from './strict-json.js'
import type {ByteSource} from './source.js'
import type {Finding} from './scan.types.js'
import {append} from '../core/arrays.js'

/** The safetensors reference implementation refuses headers above 100 MB. */
const SAFETENSORS_MAX_HEADER = 100_000_000

/** Bits per element of each dtype the format defines (Dtype::bitsize in safetensors/src/tensor.rs). */
const DTYPE_BITS: Record<string, number> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
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

/** usize::checked_mul on a 64-bit host. */
function checkedMul(a: bigint, b: bigint, name: string): bigint {
  const product = a * b
  if (product > U64_MAX)
    throw new HeaderError('SAFETENSORS_BAD_TENSOR_ENTRY', `tensor "${name}" has a shape whose size overflows 64 bits`)
  return product
}

/** A dtype as serde reads a unit enum variant: "F32", or the map form {"F32": null}. */
function dtypeName(value: JsonValue | undefined): string | null {
  if (value?.t === 'string') return value.s
  if (value?.t === 'object' && value.entries.length === 1 && value.entries[0][1].t === 'null')
    return value.entries[0][0]
  return null
}

/** The last value of a field (serde's derive rejects a repeated field; the caller already did). */
const field = (entries: [string, JsonValue][], key: string) => entries.find(([k]) => k === key)?.[1]

/**
 * One TensorInfo as safetensors/src/tensor.rs deserializes and validates it: dtype a known variant,
 * shape a Vec<usize>, data_offsets a (usize, usize); the element count and bit count use checked
 * 64-bit multiplication, the bits must fill whole bytes (MisalignedSlice) and equal the span.
 */
function checkTensor(name: string, entry: JsonValue): TensorRange {
  if (entry.t !== 'object') throw new HeaderError('SAFETENSORS_BAD_TENSOR_ENTRY', `tensor "${name}" is not an object`)
  const dtype = dtypeName(field(entry.entries, 'dtype'))
  if (dtype === null || !Object.hasOwn(DTYPE_BITS, dtype))
    throw new HeaderError('SAFETENSORS_UNKNOWN_DTYPE', `tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}`)
  const shape = field(entry.entries, 'shape')
  const dims = shape?.t === 'array' ? shape.items.map(usizeOf) : null
  if (dims === null || dims.some((d) => d === null))
    throw new HeaderError(
      'SAFETENSORS_BAD_TENSOR_ENTRY',
      `tensor "${name}" has a shape that is not a list of integers from 0 to 2^64-1`,
    )
  const offsets = field(entry.entries, 'data_offsets')
  const span = offsets?.t === 'array' && offsets.items.length === 2 ? offsets.items.map(usizeOf) : null
  if (span === null || span[0] === null || span[1] === null || span[0] > span[1])
    throw new HeaderError('SAFETENSORS_BAD_TENSOR_ENTRY', `tensor "${name}" has invalid data_offsets`)
  const elements = (dims as bigint[]).reduce((n, d) => checkedMul(n, d, name), 1n)
  const bits = checkedMul(elements, BigInt(DTYPE_BITS[dtype]), name)
  if (bits % 8n !== 0n)
    throw new HeaderError(
      'SAFETENSORS_SIZE_MISMATCH',
      `tensor "${name}" is ${bits} bits of ${dtype}, which does not fill whole bytes`,
    )
  const [begin, end] = span as [bigint, bigint]
  if (end - begin !== bits / 8n)
    throw new HeaderError(
      'SAFETENSORS_SIZE_MISMATCH',
      `tensor "${name}" is ${dtype}[${dims.join(', ')}] = ${bits / 8n} bytes but data_offsets span ${end - begin}`,
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

function parseHeader(source: ByteSource): {entries: [string, JsonValue][]; dataLength: bigint} {
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
    // core::str::from_utf8 keeps a byte-order mark, and serde_json then refuses it: so must we.
    text = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(source.read(8, Number(length)))
  } catch {
    throw new HeaderError('SAFETENSORS_HEADER_NOT_UTF8', 'header is not valid UTF-8')
  }
  let header: JsonValue
  try {
    header = parseStrictJson(text)
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    throw new HeaderError('SAFETENSORS_HEADER_NOT_JSON', `header is not JSON: ${error.message}`)
  }
  if (header.t !== 'object') throw new HeaderError('SAFETENSORS_HEADER_NOT_OBJECT', 'header is JSON but not an object')
  const duplicate = repeatedKey(header)
  if (duplicate !== null) throw new HeaderError('SAFETENSORS_DUPLICATE_KEY', `header repeats the key "${duplicate}"`)
  return {entries: header.entries, dataLength: BigInt(source.size) - 8n - length}
}

/**
 * The first key repeated within one object, anywhere in the header. The crate keeps the last of
 * repeated tensor names (and refuses a repeated __metadata__) while other readers keep the first, so
 * a repeat can show different tensors to different loaders: it is reported. Iterative.
 */
function repeatedKey(root: JsonValue): string | null {
  const stack = [root]
  for (let value = stack.pop(); value; value = stack.pop()) {
    if (value.t === 'array') append(stack, value.items)
    if (value.t !== 'object') continue
    const seen = new Set<string>()
    for (const [key, child] of value.entries) {
      if (seen.has(key)) return key
      seen.add(key)
      stack.push(child)
    }
  }
  return null
}

/** Validates a safetensors header against every rule of the format; never reads tensor data. */
export function checkSafetensors(source: ByteSource, member: string | null): Finding[] {
  try {
    const {entries, dataLength} = parseHeader(source)
    const ranges: TensorRange[] = []
    for (const [name, entry] of entries) {
      if (name === '__metadata__') {
        // The crate reads it as Option<HashMap<String, String>>: null is no metadata.
        const ok = entry.t === 'null' || (entry.t === 'object' && entry.entries.every(([, v]) => v.t === 'string'))
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
