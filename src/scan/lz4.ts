import type {ChunkSink} from './decoded.js'
import {Cursor, type ByteSource} from './source.js'

/** Damage in an lz4 stream; what was decoded before it is still in the sink. */
export class Lz4Error extends Error {}

/** A frame that declares more than the sink may hold. */
export class Lz4TooLarge extends Error {}

const FRAME_MAGIC = 0x184d2204
/** Skippable frames: 0x184D2A50 to 0x184D2A5F, then a 4-byte length. */
const SKIPPABLE_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50
/** The block maximum sizes the BD byte names (values 4 to 7). */
const BLOCK_MAX: Record<number, number> = {4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024}
/** Matches reach back at most this far (a 16-bit offset). */
const WINDOW = 64 * 1024

function u32(cursor: Cursor, what: string): number {
  const bytes = cursor.take(4)
  if (!bytes) throw new Lz4Error(`the lz4 stream ends inside ${what}`)
  return bytes.readUInt32LE(0)
}

/**
 * One LZ4 block (lz4_Block_format.md: tokens, 255-extended lengths, 16-bit offsets) decoded into
 * `out` at `start`, where out[0, start) is the history matches may reach into. Every step consumes
 * input or writes output, and the output is bounded by `end`: linear, whatever the bytes.
 */
function decodeBlock(input: Buffer, out: Uint8Array, start: number, end: number, floor: number): number {
  let ip = 0
  let op = start
  const length = (base: number): number => {
    let n = base
    if (base !== 15) return n
    for (;;) {
      if (ip >= input.length) throw new Lz4Error('an lz4 length runs past the block')
      const b = input[ip++]
      n += b
      if (n > end) throw new Lz4Error('an lz4 sequence is longer than its block')
      if (b !== 255) return n
    }
  }
  while (ip < input.length) {
    const token = input[ip++]
    const literals = length(token >> 4)
    if (ip + literals > input.length) throw new Lz4Error('lz4 literals run past the block')
    if (op + literals > end) throw new Lz4Error('an lz4 block decodes past its maximum size')
    out.set(input.subarray(ip, ip + literals), op)
    ip += literals
    op += literals
    if (ip === input.length) return op - start // the last sequence has literals only
    if (ip + 2 > input.length) throw new Lz4Error('an lz4 match offset runs past the block')
    const offset = input[ip] | (input[ip + 1] << 8)
    ip += 2
    if (offset === 0 || op - offset < floor) throw new Lz4Error('an lz4 match reaches before the data')
    const match = length(token & 15) + 4
    if (op + match > end) throw new Lz4Error('an lz4 block decodes past its maximum size')
    if (offset >= match) out.copyWithin(op, op - offset, op - offset + match)
    else for (let i = 0; i < match; i++) out[op + i] = out[op + i - offset]
    op += match
  }
  return op - start
}

/** One frame after its magic number: the descriptor, then blocks up to the EndMark. */
function decodeFrame(cursor: Cursor, sink: ChunkSink): void {
  const descriptor = cursor.take(2)
  if (!descriptor) throw new Lz4Error('the lz4 frame descriptor is cut off')
  const [flags, bd] = descriptor
  if (flags >> 6 !== 1) throw new Lz4Error(`lz4 frame version ${flags >> 6} is not 1`)
  if (flags & 0x02 || bd & 0x8f) throw new Lz4Error('lz4 frame descriptor reserved bits are set')
  const maxBlock = BLOCK_MAX[(bd >> 4) & 7]
  if (maxBlock === undefined) throw new Lz4Error(`lz4 block size id ${(bd >> 4) & 7} is invalid`)
  const independent = (flags & 0x20) !== 0
  let declared: bigint | null = null
  if (flags & 0x08) {
    const size = cursor.take(8)
    if (!size) throw new Lz4Error('the lz4 frame descriptor is cut off')
    declared = size.readBigUInt64LE(0)
    // The frame says how much it holds: past the limit it is not decoded at all.
    if (declared > BigInt(sink.limit - sink.size)) throw new Lz4TooLarge(`the frame declares ${declared} bytes`)
  }
  if (flags & 0x01 && !cursor.skip(4)) throw new Lz4Error('the lz4 frame descriptor is cut off')
  if (!cursor.skip(1)) throw new Lz4Error('the lz4 frame descriptor is cut off') // header checksum
  // [history of up to WINDOW bytes][the block being decoded]
  const buffer = new Uint8Array(WINDOW + maxBlock)
  let history = 0
  const started = sink.size
  for (;;) {
    const word = u32(cursor, 'a block size')
    if (word === 0) break
    const size = word & 0x7fffffff
    if (size > maxBlock) throw new Lz4Error(`an lz4 block of ${size} bytes exceeds the frame's ${maxBlock}`)
    const data = cursor.take(size)
    if (!data) throw new Lz4Error('the lz4 stream ends inside a block')
    if (flags & 0x10 && !cursor.skip(4)) throw new Lz4Error('the lz4 stream ends inside a block checksum')
    const floor = independent ? history : 0
    const n =
      word & 0x80000000
        ? (buffer.set(data, history), size)
        : decodeBlock(data, buffer, history, history + maxBlock, floor)
    sink.write(buffer.subarray(history, history + n))
    // Keep the last WINDOW bytes as the next block's history.
    const total = history + n
    const keep = Math.min(WINDOW, total)
    buffer.copyWithin(0, total - keep, total)
    history = keep
  }
  if (flags & 0x04 && !cursor.skip(4)) throw new Lz4Error('the lz4 stream ends inside the content checksum')
  if (declared !== null && BigInt(sink.size - started) !== declared)
    throw new Lz4Error(`the lz4 frame declares ${declared} bytes but holds ${sink.size - started}`)
}

/**
 * Decodes an lz4 stream as Python's lz4.frame.LZ4FrameFile reads it (_compression.DecompressReader):
 * frames one after another, skippable frames skipped, anything else after a frame is an error.
 * Throws Lz4Error on damage (the sink keeps what came before), Lz4TooLarge or the sink's
 * OutputTooLarge past the limit.
 */
export function decodeLz4(source: ByteSource, sink: ChunkSink): void {
  const cursor = new Cursor(source)
  while (cursor.remaining > 0) {
    const magic = u32(cursor, 'a frame magic number')
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (!cursor.skip(u32(cursor, 'a skippable frame'))) throw new Lz4Error('a skippable lz4 frame is cut off')
    } else if (magic === FRAME_MAGIC) decodeFrame(cursor, sink)
    else throw new Lz4Error('data after the lz4 frame is not an lz4 frame')
  }
}
