import {makeFinding} from './codes.js'
import {dtypeItemSize} from './pickle-joblib.js'
import type {Inspect} from './pickle-stream.js'
import {scanPickleStream} from './pickle-stream.js'
import {parsePyLiteral, pyGet, type PyValue} from './py-literal.js'
import {sliceSource, type ByteSource} from './source.js'
import type {Finding, InspectOptions} from './scan.types.js'

export interface NpyHeader {
  /** Bytes per element, or null when the dtype holds objects. */
  itemSize: number | null
  shape: bigint[]
  /** Where the array bytes (or the pickle, for object arrays) begin. */
  dataStart: number
  /** Object arrays (and structured dtypes with an object field anywhere) are stored as a pickle. */
  hasObjects: boolean
  descr: string
}

/** numpy.lib.format._header_size_info: version → (length width, text encoding). */
const VERSIONS: Record<number, [number, BufferEncoding]> = {1: [2, 'latin1'], 2: [4, 'latin1'], 3: [4, 'utf8']}
/** numpy refuses headers over 10,000 characters unless allow_pickle; we read up to this much. */
const MAX_HEADER = 1024 * 1024
const EXPECTED_KEYS = ['descr', 'fortran_order', 'shape']

class HeaderError {
  constructor(
    readonly message: string,
    readonly unknown = false,
  ) {}
}

const NAMED_DTYPES: Record<string, number | null> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float16: 2,
  float32: 4,
  float64: 8,
  float: 8,
  int: 8,
  complex64: 8,
  complex128: 16,
  complex: 16,
  object: null,
  object_: null,
  O: null,
}

/** The item size of a dtype string (numpy.dtype(str)); null for object; throws for what is not understood. */
function stringItemSize(descr: string): number | null {
  if (Object.hasOwn(NAMED_DTYPES, descr)) return NAMED_DTYPES[descr]
  if (/^[|<>=]?O\d*$/.test(descr)) return null
  const size = dtypeItemSize(descr)
  if (size === null) throw new HeaderError(`dtype '${descr.slice(0, 40)}' is not one this scanner understands`, true)
  return size
}

const isTuple = (v: PyValue | undefined) => v?.k === 'tuple'

function shapeCount(shape: PyValue): bigint {
  if (shape.k === 'int') return shape.n
  if (shape.k !== 'tuple' || !shape.items.every((d) => d.k === 'int'))
    throw new HeaderError('a field shape is not integers')
  return shape.items.reduce((n, d) => n * (d as {n: bigint}).n, 1n)
}

/**
 * numpy.lib.format.descr_to_dtype: a string, a (descr, shape) subarray tuple, or a list of
 * (name, descr[, shape]) fields. Returns the item size, null when any part holds objects.
 */
function descrItemSize(descr: PyValue, depth = 0): bigint | null {
  if (depth > 32) throw new HeaderError('descr nests too deeply')
  if (descr.k === 'str') {
    const size = stringItemSize(descr.s)
    return size === null ? null : BigInt(size)
  }
  if (descr.k === 'tuple' && descr.items.length === 2) {
    const inner = descrItemSize(descr.items[0], depth + 1)
    return inner === null ? null : inner * shapeCount(descr.items[1])
  }
  if (descr.k !== 'list') throw new HeaderError('descr is not a valid dtype descriptor')
  let total: bigint | null = 0n
  for (const field of descr.items) {
    if (
      !isTuple(field) ||
      (field as {items: PyValue[]}).items.length < 2 ||
      (field as {items: PyValue[]}).items.length > 3
    )
      throw new HeaderError('a descr field is not a (name, dtype[, shape]) tuple')
    const [, fieldDescr, fieldShape] = (field as {items: PyValue[]}).items
    const size = descrItemSize(fieldDescr, depth + 1)
    const count = fieldShape ? shapeCount(fieldShape) : 1n
    total = total === null || size === null ? null : total + size * count
  }
  return total
}

function readHeaderText(source: ByteSource): {text: string; dataStart: number} {
  const head = source.read(0, 12)
  if (head.length < 10 || head.toString('latin1', 0, 6) !== '\x93NUMPY')
    throw new HeaderError('missing the \\x93NUMPY magic')
  const version = VERSIONS[head[6]]
  if (!version || head[7] !== 0) throw new HeaderError(`unsupported .npy version ${head[6]}.${head[7]}`)
  const [width, encoding] = version
  if (head.length < 8 + width) throw new HeaderError('truncated header')
  const length = width === 2 ? head.readUInt16LE(8) : head.readUInt32LE(8)
  const start = 8 + width
  if (length > MAX_HEADER)
    throw new HeaderError(`header of ${length} bytes is over the ${MAX_HEADER}-byte scan limit`, true)
  if (start + length > source.size) throw new HeaderError(`header length ${length} runs past the file`)
  const text = source.read(start, length).toString(encoding)
  // numpy.lib.format._filter_header drops the Python 2 'L' after integers in version 1 and 2 headers.
  return {text: width === 2 || head[6] === 2 ? text.replace(/(\d)L\b/g, '$1') : text, dataStart: start + length}
}

/**
 * Parses an .npy header as numpy.lib.format._read_array_header does: a Python literal dict with
 * exactly the keys descr, fortran_order and shape (the last duplicate wins), shape a tuple of ints.
 */
export function parseNpyHeader(source: ByteSource): NpyHeader | HeaderError {
  try {
    const {text, dataStart} = readHeaderText(source)
    const dict = parsePyLiteral(text)
    if (typeof dict === 'string') throw new HeaderError(`header is not a Python literal: ${dict}`)
    if (dict.k !== 'dict') throw new HeaderError('header is not a dictionary')
    const keys = dict.keys.map((k) => (k.k === 'str' ? k.s : '?')).sort()
    if (keys.join(',') !== EXPECTED_KEYS.join(','))
      throw new HeaderError('header does not have exactly the keys descr, fortran_order, shape')
    const shape = pyGet(dict, 'shape')!
    if (shape.k !== 'tuple' || !shape.items.every((d) => d.k === 'int'))
      throw new HeaderError('shape is not a tuple of ints')
    if (pyGet(dict, 'fortran_order')!.k !== 'bool') throw new HeaderError('fortran_order is not a bool')
    const descr = pyGet(dict, 'descr')!
    const size = descrItemSize(descr)
    return {
      itemSize: size === null ? null : Number(size),
      shape: shape.items.map((d) => (d as {n: bigint}).n),
      dataStart,
      hasObjects: size === null,
      descr: descr.k === 'str' ? descr.s : 'structured',
    }
  } catch (error) {
    if (error instanceof HeaderError) return error
    throw error
  }
}

export const isHeaderError = (h: NpyHeader | HeaderError): h is HeaderError => h instanceof HeaderError

/** Checks a non-object .npy: the data must be exactly shape × itemsize bytes (read_array reads that many). */
export function checkNpy(source: ByteSource, header: NpyHeader, member: string | null): Finding[] {
  if (header.itemSize === null) return []
  if (header.shape.some((d) => d < 0n))
    return [makeFinding('NUMPY_BAD_HEADER', 'shape has a negative dimension', member)]
  const expected = header.shape.reduce((n, d) => n * d, BigInt(header.itemSize))
  const actual = BigInt(source.size - header.dataStart)
  if (expected !== actual)
    return [
      makeFinding(
        'NUMPY_SIZE_MISMATCH',
        `array ${header.descr}[${header.shape.join(', ')}] needs ${expected} bytes but the file holds ${actual}`,
        member,
      ),
    ]
  return []
}

export function headerFinding(error: HeaderError, member: string | null): Finding {
  return makeFinding(
    error.unknown ? 'NUMPY_DTYPE_UNKNOWN' : 'NUMPY_BAD_HEADER',
    `.npy header: ${error.message}`,
    member,
  )
}

/** An .npy file: its header, then either the array bytes (size-checked) or the pickle numpy.load runs. */
export function inspectNumpy(
  source: ByteSource,
  member: string | null,
  options: InspectOptions,
  inspect: Inspect,
): Finding[] {
  const header = parseNpyHeader(source)
  if (isHeaderError(header)) return [headerFinding(header, member)]
  if (!header.hasObjects) return checkNpy(source, header, member)
  const payload = sliceSource(source, header.dataStart, source.size - header.dataStart)
  return [
    makeFinding(
      'NUMPY_OBJECT_ARRAY',
      'object array: its data is a pickle, run by numpy.load(allow_pickle=True)',
      member,
    ),
    ...scanPickleStream(payload, member, {...options, lenient: false}, inspect).findings,
  ]
}
