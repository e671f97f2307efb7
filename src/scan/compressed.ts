import {constants, gunzipSync, inflateSync} from 'node:zlib'

import * as lz4 from 'lz4js'

import {decodeSync} from './decode-sync.js'
import {bufferSource, type ByteSource} from './source.js'

/** Compressed pickles (joblib `compress=`, .pkl.gz) are inflated up to this size, never more. */
export const MAX_DECOMPRESSED = 64 * 1024 * 1024

/** The compressed streams joblib writes (joblib/compressor.py), its old ZF format, and .gz/.bz2/.xz files. */
export type StreamKind = 'gzip' | 'zlib' | 'joblib-zfile' | 'lz4' | 'bzip2' | 'xz' | 'lzma'

/**
 * What decompression gave. `corrupt` may still carry the bytes decoded before the damage: joblib's
 * readers stream into the unpickler, which runs whatever arrives before the error.
 */
export type Decompressed =
  {source: ByteSource; corrupt?: string} | {problem: 'too-large' | 'corrupt' | 'failed'; detail: string}

const tooLarge = {problem: 'too-large', detail: `more than ${MAX_DECOMPRESSED} bytes`} as const

/** Node's zlib; a sync flush keeps what a truncated stream decoded (Python's streaming readers do too). */
function inflateNode(bytes: Buffer, kind: 'gzip' | 'zlib'): Decompressed {
  const inflate = kind === 'gzip' ? gunzipSync : inflateSync
  try {
    return {source: bufferSource(inflate(bytes, {maxOutputLength: MAX_DECOMPRESSED}))}
  } catch (error) {
    if ((error as {code?: string}).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge
    try {
      const partial = inflate(bytes, {maxOutputLength: MAX_DECOMPRESSED, finishFlush: constants.Z_SYNC_FLUSH})
      return {source: bufferSource(partial), corrupt: (error as Error).message}
    } catch (again) {
      if ((again as {code?: string}).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge
      return {problem: 'corrupt', detail: (error as Error).message}
    }
  }
}

/** Python's int(text, 16): surrounding whitespace, a sign, an optional 0x and underscores between digits. */
function pythonHex(text: string): bigint | null {
  const m = /^[\s]*([+-]?)(?:0[xX])?_?([0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)[\s]*$/.exec(text)
  if (!m || /^[+-]?0[xX]$/.test(text.trim())) return null
  const value = BigInt(`0x${m[2].replaceAll('_', '')}`)
  return m[1] === '-' ? -value : value
}

/** The length in a ZF header (read_zfile: int(header[2:21], 16)), or null when Python would raise. */
export function zfileLength(head: Buffer): bigint | null {
  return head.length < 21 ? null : pythonHex(head.toString('latin1', 2, 21))
}

/**
 * joblib's pre-0.9.3 format (numpy_pickle_compat.read_zfile): "ZF", the length as 19 hex characters,
 * an optional space (Python 2 joblib ≤ 0.8.4), then one zlib stream inflated whole before unpickling.
 */
function inflateZfile(bytes: Buffer): Decompressed {
  if (zfileLength(bytes) === null)
    return {problem: 'corrupt', detail: 'the ZF header does not hold a hexadecimal length'}
  const start = bytes[21] === 0x20 ? 22 : 21
  try {
    return {source: bufferSource(inflateSync(bytes.subarray(start), {maxOutputLength: MAX_DECOMPRESSED}))}
  } catch (error) {
    if ((error as {code?: string}).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge
    // zlib.decompress fails before the unpickler sees a byte: nothing of it runs.
    return {problem: 'corrupt', detail: (error as Error).message}
  }
}

/** An lz4 frame (lz4.frame.LZ4FrameFile): its declared or block-bounded size is checked before decoding. */
function inflateLz4(bytes: Buffer): Decompressed {
  let bound: number
  try {
    bound = Number(lz4.decompressBound(bytes) as unknown)
  } catch (error) {
    return {problem: 'corrupt', detail: (error as Error).message}
  }
  if (!Number.isSafeInteger(bound) || bound < 0) return {problem: 'corrupt', detail: 'the lz4 frame size is invalid'}
  if (bound > MAX_DECOMPRESSED) return tooLarge
  const out = Buffer.alloc(bound)
  const written = lz4.decompressFrame(bytes, out)
  // lz4js drops what does not fit: more than the frame declared is damage, and the start is still read.
  const source = bufferSource(out.subarray(0, Math.min(written, bound)))
  return written > bound ? {source, corrupt: 'the lz4 blocks hold more than the frame declares'} : {source}
}

/** bzip2, xz and lzma go to 7-Zip on the decoder thread; the bytes before a damaged spot still count. */
function inflateWith7zip(bytes: Buffer, kind: 'bzip2' | 'xz' | 'lzma'): Decompressed {
  const reply = decodeSync(kind, bytes, MAX_DECOMPRESSED, 1)
  if ('problem' in reply)
    return {problem: reply.problem === 'encrypted' ? 'failed' : reply.problem, detail: reply.detail}
  const source = bufferSource(Buffer.from(reply.members[0]?.data ?? []))
  return reply.corrupt === undefined ? {source} : {source, corrupt: reply.corrupt}
}

/** Decompresses a stream of `kind` within MAX_DECOMPRESSED, reading at most that much compressed input. */
export function decompressBounded(source: ByteSource, kind: StreamKind): Decompressed {
  if (source.size > MAX_DECOMPRESSED) return tooLarge
  const bytes = source.read(0, source.size)
  switch (kind) {
    case 'gzip':
    case 'zlib':
      return inflateNode(bytes, kind)
    case 'joblib-zfile':
      return inflateZfile(bytes)
    case 'lz4':
      return inflateLz4(bytes)
    default:
      return inflateWith7zip(bytes, kind)
  }
}
