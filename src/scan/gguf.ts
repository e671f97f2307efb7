import {makeFinding, type FindingCode} from './codes.js'
import {Cursor, type ByteSource} from './source.js'
import type {Finding} from './scan.types.js'

/**
 * ggml tensor types: id → [elements per block, bytes per block] (ggml.c type_traits; ids whose
 * blck_size is 0 there, such as the removed Q4_2 and Q4_0_4_4, are absent: ggml refuses them).
 */
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
  40: [64, 36],
  41: [128, 18],
  42: [64, 18],
}
/** GGUF metadata value types with a fixed size in bytes; 8 is string, 9 is array. */
const FIXED_SIZES: Record<number, number> = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
const TYPE_STRING = 8
const TYPE_ARRAY = 9
const TYPE_UINT32 = 4
const MAX_DIMS = 4
const MAX_NAME = 64
const INT64_MAX = (1n << 63n) - 1n
/** GGUF_MAX_STRING_LENGTH and GGUF_MAX_ARRAY_ELEMENTS in ggml/src/gguf.cpp. */
const MAX_STRING = 1024n * 1024n * 1024n
const MAX_ARRAY = 1024n * 1024n * 1024n

/** Thrown inside the parser and caught at its entry point; not an Error, so no stack is captured (fuzzing throws a lot). */
class GgufError {
  constructor(
    readonly code: FindingCode,
    readonly message: string,
  ) {}
}

interface TensorInfo {
  name: string
  nbytes: bigint
  offset: bigint
}

/** gguf_reader in ggml/src/gguf.cpp: every length is checked against what is left of the file. */
class GgufReader {
  constructor(readonly cursor: Cursor) {}

  bytes(n: number, what: string): Buffer {
    const b = this.cursor.take(n)
    if (!b) throw new GgufError('GGUF_TRUNCATED', `file ends inside ${what} at byte ${this.cursor.pos}`)
    return b
  }

  u32(what: string): number {
    return this.bytes(4, what).readUInt32LE(0)
  }

  u64(what: string): bigint {
    return this.bytes(8, what).readBigUInt64LE(0)
  }

  /**
   * A length-prefixed string as ggml reads it: bytes, not UTF-8 (one latin1 character per byte);
   * read when short, skipped when long. Longer than 1 GiB or than the rest of the file is an error.
   */
  string(what: string, keep = true): string | null {
    const at = this.cursor.pos
    const length = this.u64(`the length of ${what}`)
    if (length > MAX_STRING || length > BigInt(this.cursor.remaining))
      throw new GgufError(
        'GGUF_LENGTH_OUT_OF_BOUNDS',
        `${what} at byte ${at} declares ${length} bytes, past the end of the file or the 1 GiB limit`,
      )
    if (!keep || length > 65_536n) {
      this.cursor.skip(Number(length))
      return null
    }
    return this.bytes(Number(length), what).toString('latin1')
  }

  /** Reads (or skips) one metadata value; returns it when it is a small scalar. */
  value(type: number, key: string, depth: number): number | bigint | null {
    if (Object.hasOwn(FIXED_SIZES, type)) {
      const raw = this.bytes(FIXED_SIZES[type], `the value of ${key}`)
      return type === TYPE_UINT32 ? raw.readUInt32LE(0) : null
    }
    if (type === TYPE_STRING) {
      this.string(`the value of ${key}`, false)
      return null
    }
    if (type !== TYPE_ARRAY || depth > 0)
      throw new GgufError('GGUF_INVALID_VALUE_TYPE', `${key} has invalid value type ${type}`)
    const elementType = this.u32(`the element type of ${key}`)
    const count = this.u64(`the length of ${key}`)
    // ggml reads the element type and count, then refuses an array of arrays whatever its length.
    if (elementType === TYPE_ARRAY)
      throw new GgufError('GGUF_NESTING_TOO_DEEP', `${key} is an array of arrays, which ggml refuses`)
    const elementSize = Object.hasOwn(FIXED_SIZES, elementType)
      ? FIXED_SIZES[elementType]
      : elementType === TYPE_STRING
        ? 8
        : 0
    if (elementSize === 0)
      throw new GgufError('GGUF_INVALID_VALUE_TYPE', `${key} is an array of invalid type ${elementType}`)
    if (count > MAX_ARRAY || count * BigInt(elementSize) > BigInt(this.cursor.remaining))
      throw new GgufError('GGUF_LENGTH_OUT_OF_BOUNDS', `${key} declares ${count} elements, more than the file can hold`)
    if (elementType !== TYPE_STRING) this.cursor.skip(Number(count) * elementSize)
    else for (let i = 0n; i < count; i++) this.value(elementType, `${key}[${i}]`, depth + 1)
    return null
  }
}

function readMetadata(r: GgufReader, count: bigint): number {
  const keys = new Set<string>()
  let alignment = 32
  for (let i = 0n; i < count; i++) {
    const at = r.cursor.pos
    // A key too long to keep stands for itself by its position (a repeat of it goes unnoticed).
    const key = r.string(`metadata key ${i}`) ?? `\u0000long key at ${at}`
    if (key === '') throw new GgufError('GGUF_BAD_STRING', `metadata key ${i} is empty`)
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

/**
 * ggml's element-count guard (gguf_init_from_reader): with every ne ≥ 1, INT64_MAX / ne[k] must stay
 * above the product of the dimensions before it. Older ggml ran this division without the guard,
 * so a zero in ne[1..3] divides by zero there: such a tensor is refused here too.
 */
function checkDimensions(name: string, ne: bigint[]): void {
  for (let k = 1; k < MAX_DIMS; k++)
    if (ne[k] === 0n)
      throw new GgufError(
        'GGUF_BAD_DIMENSIONS',
        `tensor "${name}" has a zero in dimension ${k}, which ggml releases before the zero-element guard divide by`,
      )
  let prefix = ne[0]
  for (let k = 1; k < MAX_DIMS; k++) {
    if (prefix > 0n && INT64_MAX / ne[k] <= prefix)
      throw new GgufError('GGUF_LENGTH_OVERFLOW', `tensor "${name}" has more elements than fit in int64`)
    prefix *= ne[k]
  }
}

function readTensorInfo(r: GgufReader, index: bigint): TensorInfo {
  const name = r.string(`tensor name ${index}`)
  if (name === null || name.length >= MAX_NAME)
    throw new GgufError('GGUF_BAD_STRING', `tensor name ${index} is ${MAX_NAME} bytes or longer`)
  const nDims = r.u32(`the dimension count of ${name}`)
  // n_dims = 0 is a scalar (every ne is 1); more than GGML_MAX_DIMS is refused.
  if (nDims > MAX_DIMS)
    throw new GgufError('GGUF_BAD_DIMENSIONS', `tensor "${name}" has ${nDims} dimensions (at most ${MAX_DIMS})`)
  const ne: bigint[] = [1n, 1n, 1n, 1n]
  for (let d = 0; d < nDims; d++) {
    ne[d] = r.u64(`a dimension of ${name}`)
    if (ne[d] > INT64_MAX) throw new GgufError('GGUF_BAD_DIMENSIONS', `tensor "${name}" has a negative dimension`)
  }
  checkDimensions(name, ne)
  const type = r.u32(`the type of ${name}`)
  const traits = Object.hasOwn(GGML_TYPES, type) ? GGML_TYPES[type] : undefined
  if (!traits) throw new GgufError('GGUF_BAD_TENSOR_TYPE', `tensor "${name}" has invalid ggml type ${type}`)
  if (ne[0] % BigInt(traits[0]) !== 0n)
    throw new GgufError(
      'GGUF_BAD_TENSOR_SHAPE',
      `tensor "${name}" row of ${ne[0]} is not a multiple of the ${traits[0]}-element block`,
    )
  const elements = ne.reduce((n, d) => n * d, 1n)
  // ggml_nbytes of a contiguous tensor; SIZE_MAX bounds it as in gguf_init_from_reader.
  const nbytes = (elements / BigInt(traits[0])) * BigInt(traits[1])
  if (nbytes > (1n << 64n) - 1n)
    throw new GgufError('GGUF_LENGTH_OVERFLOW', `tensor "${name}" has a size in bytes past 2^64`)
  return {name, nbytes, offset: r.u64(`the offset of ${name}`)}
}

const pad = (n: bigint, alignment: bigint) => ((n + alignment - 1n) / alignment) * alignment

/**
 * ggml requires each tensor's offset to be exactly the padded end of the one before it (in file
 * order, from 0); llama.cpp then requires each tensor's bytes to lie within the file.
 */
function checkTensorData(tensors: TensorInfo[], dataStart: bigint, size: bigint, alignment: bigint): void {
  let expected = 0n
  for (const t of tensors) {
    if (t.offset !== expected) {
      const [code, why]: [FindingCode, string] =
        dataStart + t.offset > size
          ? ['GGUF_TENSOR_OUT_OF_BOUNDS', `past the ${size}-byte file`]
          : t.offset % alignment !== 0n
            ? ['GGUF_MISALIGNED_OFFSET', `not a multiple of the alignment ${alignment}`]
            : t.offset < expected
              ? ['GGUF_TENSOR_OVERLAP', `overlapping the tensor before it, which ends at ${expected}`]
              : ['GGUF_TENSOR_NOT_CONTIGUOUS', `leaving a gap after the tensor before it (expected ${expected})`]
      throw new GgufError(code, `tensor "${t.name}" starts at data offset ${t.offset}, ${why}`)
    }
    if (dataStart + t.offset + t.nbytes > size)
      throw new GgufError(
        'GGUF_TENSOR_OUT_OF_BOUNDS',
        `tensor "${t.name}" data ends at byte ${dataStart + t.offset + t.nbytes}, past the ${size}-byte file`,
      )
    expected += pad(t.nbytes, alignment)
  }
}

/**
 * Validates a GGUF header (metadata and tensor infos) as ggml's gguf_init_from_reader does, against
 * the file size; never reads tensor data.
 */
export function checkGguf(source: ByteSource, member: string | null): Finding[] {
  try {
    const head = source.read(0, 8)
    if (head.length < 8 || head.toString('latin1', 0, 4) !== 'GGUF')
      throw new GgufError('GGUF_BAD_MAGIC', 'file does not start with GGUF')
    const version = head.readUInt32LE(4)
    // Version 0 and byte-swapped versions are refused, version 1 is no longer supported, 3 is current.
    if (version < 2 || version > 3)
      throw new GgufError('GGUF_UNSUPPORTED_VERSION', `GGUF version ${version} is not 2 or 3 (ggml refuses it)`)
    const r = new GgufReader(new Cursor(source, 8))
    const tensorCount = r.u64('the tensor count')
    const kvCount = r.u64('the metadata count')
    const size = BigInt(source.size)
    // Counts are int64 in ggml; each tensor info takes at least 24 bytes, each key-value pair 14.
    if (tensorCount > INT64_MAX || tensorCount * 24n > size)
      throw new GgufError('GGUF_COUNT_TOO_LARGE', `tensor count ${tensorCount} cannot fit in a ${size}-byte file`)
    if (kvCount > INT64_MAX || kvCount * 14n > size)
      throw new GgufError('GGUF_COUNT_TOO_LARGE', `metadata count ${kvCount} cannot fit in a ${size}-byte file`)
    const alignment = BigInt(readMetadata(r, kvCount))
    const tensors: TensorInfo[] = []
    const names = new Set<string>()
    for (let i = 0n; i < tensorCount; i++) {
      const info = readTensorInfo(r, i)
      // ggml compares names as C strings (strcmp after ggml_set_name): a NUL ends them.
      const cName = info.name.split('\u0000')[0]
      if (names.has(cName)) throw new GgufError('GGUF_DUPLICATE_TENSOR', `tensor "${cName}" appears twice`)
      names.add(cName)
      tensors.push(info)
    }
    const dataStart = tensorCount > 0n ? pad(BigInt(r.cursor.pos), alignment) : BigInt(r.cursor.pos)
    if (dataStart > size)
      throw new GgufError('GGUF_TRUNCATED', `the data section would start at byte ${dataStart}, past the end`)
    checkTensorData(tensors, dataStart, size, alignment)
    return []
  } catch (error) {
    if (!(error instanceof GgufError)) throw error
    return [makeFinding(error.code, error.message, member)]
  }
}
