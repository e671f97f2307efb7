import {Inflate} from 'pako'

import {ChunkSink, DecodeMemory, OutputTooLarge} from './decoded.js'
import {decodeWith7zip} from './decode-sync.js'
import {decodeLz4, Lz4Error, Lz4TooLarge} from './lz4.js'
import {sliceSource, type ByteSource} from './source.js'

/** Compressed pickles (joblib `compress=`, .pkl.gz) are inflated up to this size, never more. */
export const MAX_DECOMPRESSED = 64 * 1024 * 1024

/** The compressed streams joblib writes (joblib/compressor.py), its old ZF format, and .gz/.bz2/.xz files. */
export type StreamKind = 'gzip' | 'zlib' | 'joblib-zfile' | 'lz4' | 'bzip2' | 'xz' | 'lzma'

/**
 * What decompression gave. `corrupt` may still carry the bytes decoded before the damage: joblib's
 * readers stream into the unpickler, which runs whatever arrives before the error. `release()` gives
 * the decoded bytes' memory back to the file's budget once they have been inspected.
 */
export type Decompressed =
  | {source: ByteSource; corrupt?: string; release: () => void}
  | {problem: 'too-large' | 'corrupt' | 'failed'; detail: string}

/** Compressed input is fed to the inflater this much at a time: no stream is ever read whole. */
const INPUT_PIECE = 64 * 1024

const decoded = (sink: ChunkSink, corrupt?: string): Decompressed => {
  const release = () => sink.release()
  return corrupt === undefined ? {source: sink.source(), release} : {source: sink.source(), corrupt, release}
}

const tooLarge = (sink: ChunkSink, detail: string): Decompressed => {
  sink.release()
  return {problem: 'too-large', detail}
}

/**
 * One zlib or gzip stream from `source`, streamed piece by piece into the sink. Returns the offset of
 * the first byte after the stream, or the error message when it is damaged or cut off.
 */
function inflateOne(source: ByteSource, sink: ChunkSink, windowBits: number): {end: number} | {error: string} {
  const inflater = new Inflate({windowBits, chunkSize: 256 * 1024})
  inflater.onData = (chunk) => sink.write(chunk)
  for (let at = 0; at < source.size; at += INPUT_PIECE) {
    const piece = source.read(at, INPUT_PIECE)
    inflater.push(piece, false)
    if (inflater.err) return {error: inflater.msg || `zlib error ${inflater.err}`}
    if (inflater.ended) return {end: at + piece.length - inflater.strm.avail_in}
  }
  inflater.push(new Uint8Array(0), true)
  return inflater.ended && !inflater.err ? {end: source.size} : {error: inflater.msg || 'the stream is cut off'}
}

/**
 * A raw deflate stream (a zip member) inflated into the sink piece by piece; the error message when
 * it is damaged or cut off. Throws the sink's OutputTooLarge past its limit or the decode memory.
 */
export function inflateRawInto(source: ByteSource, sink: ChunkSink): string | null {
  const one = inflateOne(source, sink, -15)
  return 'error' in one ? one.error : null
}

/** The first byte at or after `from` that is not a zero (gzip files may be padded with zeros). */
function skipZeros(source: ByteSource, from: number): number {
  for (let at = from; at < source.size; at += INPUT_PIECE) {
    const piece = source.read(at, INPUT_PIECE)
    const i = piece.findIndex((b) => b !== 0)
    if (i >= 0) return at + i
  }
  return source.size
}

/**
 * zlib (joblib's BinaryZlibFile: one stream, what follows it is never read) and gzip (Python's
 * _GzipReader: members one after another, zero padding between them, anything else an error). The
 * bytes before damage or a cut still count: Python's streaming readers hand them to the unpickler.
 */
function inflateStreams(source: ByteSource, sink: ChunkSink, gzip: boolean): string | undefined {
  let rest = source
  for (let members = 0; ; members++) {
    const one = inflateOne(rest, sink, gzip ? 31 : 15)
    if ('error' in one) return one.error
    if (!gzip) return undefined
    const next = skipZeros(rest, one.end)
    if (next >= rest.size) return undefined
    rest = sliceSource(rest, next, rest.size - next)
    const head = rest.read(0, 2)
    if (head[0] !== 0x1f || head[1] !== 0x8b) return 'data after a gzip member is not a gzip member'
    if (members >= 100_000) return 'more than 100000 gzip members'
  }
}

/** zlib and gzip through pako, chunk by chunk into the file's decode budget. */
function inflateZlib(source: ByteSource, kind: 'gzip' | 'zlib', memory: DecodeMemory): Decompressed {
  const sink = new ChunkSink(memory, MAX_DECOMPRESSED)
  try {
    const error = inflateStreams(source, sink, kind === 'gzip')
    if (error !== undefined && sink.size === 0) {
      sink.release()
      return {problem: 'corrupt', detail: error}
    }
    return decoded(sink, error)
  } catch (error) {
    if (error instanceof OutputTooLarge) return tooLarge(sink, error.message)
    throw error
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
function inflateZfile(source: ByteSource, memory: DecodeMemory): Decompressed {
  const head = source.read(0, 22)
  if (zfileLength(head) === null)
    return {problem: 'corrupt', detail: 'the ZF header does not hold a hexadecimal length'}
  const start = head[21] === 0x20 ? 22 : 21
  const sink = new ChunkSink(memory, MAX_DECOMPRESSED)
  try {
    const error = inflateStreams(sliceSource(source, start, source.size - start), sink, false)
    if (error === undefined) return decoded(sink)
    // zlib.decompress fails before the unpickler sees a byte: nothing of it runs.
    sink.release()
    return {problem: 'corrupt', detail: error}
  } catch (error) {
    if (error instanceof OutputTooLarge) return tooLarge(sink, error.message)
    throw error
  }
}

/** lz4 frames (lz4.frame.LZ4FrameFile) with the bounded decoder of lz4.ts; damage keeps what came before. */
function inflateLz4(source: ByteSource, memory: DecodeMemory): Decompressed {
  const sink = new ChunkSink(memory, MAX_DECOMPRESSED)
  try {
    decodeLz4(source, sink)
    return decoded(sink)
  } catch (error) {
    if (error instanceof OutputTooLarge || error instanceof Lz4TooLarge) return tooLarge(sink, error.message)
    if (!(error instanceof Lz4Error)) throw error
    if (sink.size > 0) return decoded(sink, error.message)
    sink.release()
    return {problem: 'corrupt', detail: error.message}
  }
}

/** bzip2, xz and lzma go to 7-Zip on the decoder thread; the bytes before a damaged spot still count. */
function inflateWith7zip(source: ByteSource, kind: 'bzip2' | 'xz' | 'lzma', memory: DecodeMemory): Decompressed {
  const reply = decodeWith7zip(kind, source, memory, MAX_DECOMPRESSED, 1)
  if ('problem' in reply)
    return {problem: reply.problem === 'encrypted' ? 'failed' : reply.problem, detail: reply.detail}
  return decoded(reply.sink, reply.corrupt)
}

/**
 * Decompresses a stream of `kind` within MAX_DECOMPRESSED and the file's decode memory (shared by
 * every nesting level). zlib, gzip and lz4 stream from the source; 7-Zip's formats read a copy of it.
 */
export function decompressBounded(source: ByteSource, kind: StreamKind, memory: DecodeMemory): Decompressed {
  switch (kind) {
    case 'gzip':
    case 'zlib':
      return inflateZlib(source, kind, memory)
    case 'joblib-zfile':
      return inflateZfile(source, memory)
    case 'lz4':
      return inflateLz4(source, memory)
    default:
      return inflateWith7zip(source, kind, memory)
  }
}
