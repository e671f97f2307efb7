import type {FindingCode} from './codes.js'
import {dictGet, type PValue} from './pickle-values.js'
import type {Cursor} from './source.js'

const WRAPPER = 'joblib.numpy_pickle.NumpyArrayWrapper'
const CHAR_SIZES: Record<string, number> = {
  '?': 1,
  b: 1,
  B: 1,
  h: 2,
  H: 2,
  i: 4,
  I: 4,
  l: 8,
  L: 8,
  q: 8,
  Q: 8,
  e: 2,
  f: 4,
  d: 8,
  g: 16,
  F: 8,
  D: 16,
  G: 32,
}

/** Bytes per element of a numpy dtype string ('<f4', 'i8', 'U10', '?'…); null for object or unknown dtypes. */
export function dtypeItemSize(descr: string): number | null {
  const m = /^[<>|=]?([a-zA-Z?])(\d*)(\[\w+\])?$/.exec(descr)
  if (!m) return null
  const [, kind, digits] = m
  if (kind === 'O') return null
  if (digits === '') return Object.hasOwn(CHAR_SIZES, kind) ? CHAR_SIZES[kind] : null
  const n = Number(digits)
  if (kind === 'U') return 4 * n
  return 'fiucbSVaMm'.includes(kind) ? n : null
}

function readDtype(value: PValue | undefined): string | null {
  if (value?.t === 'obj' && value.cls === 'numpy.dtype' && value.args.t === 'seq') {
    const first = value.args.items[0]
    return first?.t === 'str' ? first.s : null
  }
  return null
}

export interface JoblibHooks {
  report(code: FindingCode, message: string): void
  /** Walks an embedded pickle (object arrays) at the cursor and advances past it. */
  walkEmbedded(cursor: Cursor): void
}

/**
 * joblib writes numpy array bytes straight into the pickle stream right after a NumpyArrayWrapper's BUILD
 * (object arrays as an embedded pickle). Skip them from the wrapper's shape and dtype so the walk goes on.
 */
/** Whether BUILD just finished a joblib array wrapper (raw array bytes follow, outside any FRAME). */
export function isJoblibWrapper(target: PValue): boolean {
  return target.t === 'obj' && target.cls === WRAPPER
}

export function skipJoblibArray(cursor: Cursor, target: PValue, hooks: JoblibHooks): void {
  if (target.t !== 'obj' || target.cls !== WRAPPER) return
  const state = target.state
  const dtype = readDtype(dictGet(state, 'dtype'))
  const shape = dictGet(state, 'shape')
  if (dtype !== null && /^[<>|=]?O\d*$/.test(dtype)) {
    hooks.walkEmbedded(cursor)
    return
  }
  const itemSize = dtype === null ? null : dtypeItemSize(dtype)
  if (itemSize === null || shape?.t !== 'seq' || !shape.items.every((d) => d.t === 'int' && d.n >= 0)) {
    hooks.report(
      'JOBLIB_ARRAY_UNSIZED',
      `joblib array at byte ${cursor.pos} has an unknown size; the rest of the pickle was not scanned`,
    )
    cursor.skip(cursor.remaining)
    return
  }
  const mmap = dictGet(state, 'allow_mmap')
  if (mmap?.t === 'bool' && mmap.b && dictGet(state, 'numpy_array_alignment_bytes') !== undefined) {
    const pad = cursor.take(1)
    if (pad) cursor.skip(pad[0])
  }
  const count = shape.items.reduce((n, d) => n * (d.t === 'int' ? BigInt(d.n) : 0n), 1n) * BigInt(itemSize)
  // NumpyArrayWrapper.read_array reads exactly count × itemsize bytes; a shorter stream is a truncated pickle.
  if (count > BigInt(cursor.remaining) || !cursor.skip(Number(count)))
    hooks.report('PICKLE_TRUNCATED', `joblib array at byte ${cursor.pos} needs ${count} bytes but the file ends first`)
}
