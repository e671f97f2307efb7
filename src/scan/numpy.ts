import {makeFinding} from './codes.js'
import {dtypeItemSize} from './pickle-joblib.js'
import type {ByteSource} from './source.js'
import type {Finding} from './scan.types.js'

export interface NpyHeader {
  descr: string
  shape: number[] | null
  /** Where the array bytes (or the pickle, for object arrays) begin. */
  dataStart: number
  /** Object arrays (and structured dtypes with object fields) are stored as a pickle. */
  hasObjects: boolean
}

/** Parses an .npy header (a Python dict literal) without evaluating it. */
export function parseNpyHeader(source: ByteSource): NpyHeader | string {
  const head = source.read(0, 12)
  if (head.length < 10 || head.toString('latin1', 0, 6) !== '\x93NUMPY') return 'missing the \\x93NUMPY magic'
  const major = head[6]
  if (major < 1 || major > 3) return `unsupported .npy version ${major}`
  const wide = major >= 2
  if (wide && head.length < 12) return 'truncated header'
  const length = wide ? head.readUInt32LE(8) : head.readUInt16LE(8)
  const start = wide ? 12 : 10
  if (length > 1024 * 1024 || start + length > source.size) return `header length ${length} runs past the file`
  const text = source.read(start, length).toString(major === 3 ? 'utf8' : 'latin1')
  const descr = /'descr':\s*('([^']*)'|\[.*\])/s.exec(text)
  const shape = /'shape':\s*\(([^)]*)\)/.exec(text)
  if (!descr || !shape || !/'fortran_order':\s*(True|False)/.test(text))
    return 'header dict lacks descr, fortran_order or shape'
  const dims = shape[1]
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
  if (!dims.every((d) => /^\d{1,15}L?$/.test(d))) return `shape (${shape[1]}) is not a tuple of integers`
  const descrText = descr[2] ?? descr[1]
  return {
    descr: descrText,
    shape: dims.map((d) => Number.parseInt(d, 10)),
    dataStart: start + length,
    hasObjects: descr[2] !== undefined ? /^[|<>=]?O\d*$/.test(descr[2]) : /'[|<>=]?O\d*'/.test(descr[1]),
  }
}

/** Checks a non-object .npy: the data must be exactly shape × itemsize bytes. Object arrays are walked by the caller. */
export function checkNpy(source: ByteSource, header: NpyHeader, member: string | null): Finding[] {
  const itemSize = dtypeItemSize(header.descr)
  if (itemSize === null || header.shape === null) return []
  const expected = header.shape.reduce((n, d) => n * d, itemSize)
  const actual = source.size - header.dataStart
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
