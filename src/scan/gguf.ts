import {makeFinding, type FindingCode} from './codes.js'
import {Cursor, type ByteSource} from './source.js'
import type {Finding} from './scan.types.js'

/** ggml tensor types: id → [elements per block, bytes per block] (ggml.c type_traits). */
const GGML_TYPES: Record<number, [number, number]> = {
  0: [1, 4],
  1: [1, 2],
  2: [32, 18],
  3: [32, 20],
  6: [32, 22],
  7: [32, 24],
  8: [32, 34],
  9: [32, 36],
  10: [256, 84],
  11: [256, 110],
  12: [256, 144],
  13: [256, 176],
  14: [256, 210],
  15: [256, 292],
  16: [256, 66],
  17: [256, 74],
  18: [256, 98],
  19: [256, 50],
  20: [32, 18],
  21: [256, 110],
  22: [256, 82],
  23: [256, 136],
  24: [1, 1],
  25: [1, 2],
  26: [1, 4],
  27: [1, 8],
  28: [1, 8],
  29: [256, 56],
  30: [1, 2],
  34: [256, 54],
  35: [256, 66],
  39: [32, 17],
}
/** GGUF metadata value types with a fixed size in bytes; 8 is string, 9 is array. */
const FIXED_SIZES: Record<number, number> = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
const TYPE_STRING = 8
const TYPE_ARRAY = 9
const TYPE_UINT32 = 4
const MAX_DIMS = 4
const MAX_NAME = 64
const INT64_MAX = (1n << 63n) - 1n

/** Thrown inside the parser and caught at its entry point; not an Error, so no stack is captured (fuzzing throws a lot). */
class GgufError {
  constructor(
    readonly code: FindingCode,
    readonly message: string,
  ) {}
}

interface TensorInfo {
  name: string
  dims: bigint[]
  type: number
  offset: bigint
}

class GgufReader {
  constructor(
    readonly cursor: Cursor,
    readonly wide: boolean,
  ) {}

  bytes(n: number, what: string): Buffer {
    const b = this.cursor.take(n)
    if (!b) throw new GgufError('GGUF_TRUNCATED', `file ends inside ${what} at byte ${this.cursor.pos}`)
    return b
  }

  u32(what: string): number {
    return this.bytes(4, what).readUInt32LE(0)
  }

  u64(what: string): bigint {
    return this.wide ? this.bytes(8, what).readBigUInt64LE(0) : BigInt(this.u32(what))
  }

  /** A length-prefixed string; decoded when short, skipped when long. */
  string(what: string, decode = true): string {
    const at = this.cursor.pos
    const length = this.u64(`the length of ${what}`)
    if (length > BigInt(this.cursor.remaining))
      throw new GgufError(
        'GGUF_LENGTH_OUT_OF_BOUNDS',
        `${what} at byte ${at} declares ${length} bytes, past the end of the file`,
      )
    if (!decode || length > 65_536n) {
      this.cursor.skip(Number(length))
      return ''
    }
    try {
      return new TextDecoder('utf-8', {fatal: true}).decode(this.bytes(Number(length), what))
    } catch {
      throw new GgufError('GGUF_BAD_STRING', `${what} at byte ${at} is not valid UTF-8`)
    }
  }

  /** Reads (or skips) one metadata value; returns it when it is a small scalar. */
  value(type: number, key: string, depth: number): number | bigint | null {
    if (type in FIXED_SIZES) {
      const raw = this.bytes(FIXED_SIZES[type], `the value of ${key}`)
      return type === TYPE_UINT32 ? raw.readUInt32LE(0) : null
    }
    if (type === TYPE_STRING) {
      this.string(`the value of ${key}`, false)
      return null
    }
    if (type !== TYPE_ARRAY) throw new GgufError('GGUF_INVALID_VALUE_TYPE', `${key} has invalid value type ${type}`)
    if (depth > 0) throw new GgufError('GGUF_NESTING_TOO_DEEP', `${key} nests an array inside an array`)
    const elementType = this.u32(`the element type of ${key}`)
    const count = this.u64(`the length of ${key}`)
    const elementSize = FIXED_SIZES[elementType] ?? (elementType === TYPE_STRING ? (this.wide ? 8 : 4) : 0)
    if (elementSize === 0 && elementType !== TYPE_ARRAY)
      throw new GgufError('GGUF_INVALID_VALUE_TYPE', `${key} is an array of invalid type ${elementType}`)
    if (count * BigInt(Math.max(elementSize, 1)) > BigInt(this.cursor.remaining))
      throw new GgufError('GGUF_LENGTH_OUT_OF_BOUNDS', `${key} declares ${count} elements, more than the file can hold`)
    if (elementType in FIXED_SIZES) this.cursor.skip(Number(count) * elementSize)
    else for (let i = 0n; i < count; i++) this.value(elementType, `${key}[${i}]`, depth + 1)
    return null
  }
}

function readMetadata(r: GgufReader, count: bigint): number {
  const keys = new Set<string>()
  let alignment = 32
  for (let i = 0n; i < count; i++) {
    const key = r.string(`metadata key ${i}`)
    if (keys.has(key)) throw new GgufError('GGUF_DUPLICATE_KEY', `metadata key "${key}" appears twice`)
    keys.add(key)
    const type = r.u32(`the type of ${key}`)
    const value = r.value(type, key, 0)
    if (key === 'general.alignment') {
      if (type !== TYPE_UINT32 || typeof value !== 'number' || value === 0 || (value & (value - 1)) !== 0)
        throw new GgufError(
          'GGUF_BAD_ALIGNMENT',
          `general.alignment must be a uint32 power of two, got ${value ?? `type ${type}`}`,
        )
      alignment = value
    }
  }
  return alignment
}

function readTensorInfo(r: GgufReader, index: bigint, alignment: number): TensorInfo {
  const name = r.string(`tensor name ${index}`)
  if (Buffer.byteLength(name) >= MAX_NAME)
    throw new GgufError('GGUF_BAD_STRING', `tensor name "${name.slice(0, 80)}" is ${MAX_NAME} bytes or longer`)
  const nDims = r.u32(`the dimension count of ${name}`)
  if (nDims === 0 || nDims > MAX_DIMS)
    throw new GgufError('GGUF_BAD_DIMENSIONS', `tensor "${name}" has ${nDims} dimensions (1–${MAX_DIMS} allowed)`)
  const dims: bigint[] = []
  for (let d = 0; d < nDims; d++) dims.push(r.u64(`a dimension of ${name}`))
  let elements = 1n
  for (const dim of dims) {
    if (dim > INT64_MAX) throw new GgufError('GGUF_BAD_DIMENSIONS', `tensor "${name}" has a negative dimension`)
    elements *= dim
    if (elements > INT64_MAX)
      throw new GgufError('GGUF_LENGTH_OVERFLOW', `tensor "${name}" has more elements than fit in int64`)
  }
  const type = r.u32(`the type of ${name}`)
  const traits = GGML_TYPES[type]
  if (!traits) throw new GgufError('GGUF_BAD_TENSOR_TYPE', `tensor "${name}" has invalid ggml type ${type}`)
  if (dims[0] % BigInt(traits[0]) !== 0n)
    throw new GgufError(
      'GGUF_BAD_TENSOR_SHAPE',
      `tensor "${name}" row of ${dims[0]} is not a multiple of the ${traits[0]}-element block`,
    )
  const offset = r.u64(`the offset of ${name}`)
  if (offset % BigInt(alignment) !== 0n)
    throw new GgufError(
      'GGUF_MISALIGNED_OFFSET',
      `tensor "${name}" offset ${offset} is not a multiple of the alignment ${alignment}`,
    )
  return {name, dims, type, offset}
}

function checkTensorData(tensors: TensorInfo[], dataStart: bigint, size: bigint): void {
  const spans = tensors.map((t) => {
    const [block, bytes] = GGML_TYPES[t.type]
    const length = (t.dims.reduce((n, d) => n * d, 1n) / BigInt(block)) * BigInt(bytes)
    return {name: t.name, begin: t.offset, end: t.offset + length}
  })
  for (const span of spans) {
    if (dataStart + span.end > size)
      throw new GgufError(
        'GGUF_TENSOR_OUT_OF_BOUNDS',
        `tensor "${span.name}" data ends at byte ${dataStart + span.end}, past the ${size}-byte file`,
      )
  }
  spans.sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : 0))
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].begin < spans[i - 1].end)
      throw new GgufError('GGUF_TENSOR_OVERLAP', `tensors "${spans[i - 1].name}" and "${spans[i].name}" overlap`)
  }
}

/** Validates a GGUF header (metadata and tensor infos) against the file size; never reads tensor data. */
export function checkGguf(source: ByteSource, member: string | null): Finding[] {
  try {
    const head = source.read(0, 8)
    if (head.length < 8 || head.toString('latin1', 0, 4) !== 'GGUF')
      throw new GgufError('GGUF_BAD_MAGIC', 'file does not start with GGUF')
    const version = head.readUInt32LE(4)
    if (version < 1 || version > 3)
      throw new GgufError('GGUF_UNSUPPORTED_VERSION', `GGUF version ${version} is not 1, 2 or 3`)
    const r = new GgufReader(new Cursor(source, 8), version > 1)
    const tensorCount = r.u64('the tensor count')
    const kvCount = r.u64('the metadata count')
    const size = BigInt(source.size)
    if (tensorCount * 24n > size)
      throw new GgufError('GGUF_COUNT_TOO_LARGE', `tensor count ${tensorCount} cannot fit in a ${size}-byte file`)
    if (kvCount * 13n > size)
      throw new GgufError('GGUF_COUNT_TOO_LARGE', `metadata count ${kvCount} cannot fit in a ${size}-byte file`)
    const alignment = readMetadata(r, kvCount)
    const tensors: TensorInfo[] = []
    const names = new Set<string>()
    for (let i = 0n; i < tensorCount; i++) {
      const info = readTensorInfo(r, i, alignment)
      if (names.has(info.name)) throw new GgufError('GGUF_DUPLICATE_TENSOR', `tensor "${info.name}" appears twice`)
      names.add(info.name)
      tensors.push(info)
    }
    const dataStart = ((BigInt(r.cursor.pos) + BigInt(alignment) - 1n) / BigInt(alignment)) * BigInt(alignment)
    checkTensorData(tensors, dataStart, size)
    return []
  } catch (error) {
    if (!(error instanceof GgufError)) throw error
    return [makeFinding(error.code, error.message, member)]
  }
}
