import type {ByteSource} from './source.js'
import {append} from '../core/arrays.js'

/** Decompressed streams are cut into chunks of this size: no decoder ever holds its output twice. */
export const CHUNK_BYTES = 1024 * 1024

/**
 * Memory for decoded data that one file may hold at once, shared by every nesting level (a gzip
 * inside a 7z inside an xz counts once per byte, not once per level), including 7-Zip's heap growth.
 * Past it the data is not analysed: the caller reports COMPRESSION_TOO_LARGE (`unknown`), never clean.
 */
const FILE_DECODE_MEMORY = 72 * 1024 * 1024

export class DecodeMemory {
  private held = 0

  constructor(readonly limit = FILE_DECODE_MEMORY) {}

  /** Bytes still free for this file. */
  get free(): number {
    return this.limit - this.held
  }

  /** Takes n bytes of the budget; false (and nothing taken) when they do not fit. */
  reserve(n: number): boolean {
    if (n > this.free) return false
    this.held += n
    return true
  }

  release(n: number): void {
    this.held = Math.max(0, this.held - n)
  }
}

/** Thrown by a sink when the output passes its limit: the decoder stops at once, nothing more is produced. */
export class OutputTooLarge extends Error {
  constructor(
    readonly limit: number,
    /** The file's decode memory ran out (rather than this output's own limit). */
    readonly memory = false,
  ) {
    super(memory ? `more than the file's ${limit}-byte decode memory` : `more than ${limit} bytes`)
  }
}

/**
 * Collects a decoder's output in fixed chunks, within `limit` bytes and the file's DecodeMemory (taken
 * one chunk at a time, so a bomb stops when the budget does). `release()` gives the memory back.
 */
export class ChunkSink {
  readonly chunks: Uint8Array[] = []
  size = 0
  private reserved = 0

  constructor(
    private readonly memory: DecodeMemory,
    readonly limit: number,
  ) {}

  /** Appends bytes; throws OutputTooLarge past the limit or the memory budget. */
  write(bytes: Uint8Array): void {
    if (this.size + bytes.length > this.limit) throw new OutputTooLarge(this.limit)
    let done = 0
    while (done < bytes.length) {
      if (this.size === this.chunks.length * CHUNK_BYTES) {
        if (!this.memory.reserve(CHUNK_BYTES)) throw new OutputTooLarge(this.memory.limit, true)
        this.reserved += CHUNK_BYTES
        this.chunks.push(new Uint8Array(CHUNK_BYTES))
      }
      const used = this.size % CHUNK_BYTES
      const n = Math.min(bytes.length - done, CHUNK_BYTES - used)
      this.chunks[this.chunks.length - 1].set(bytes.subarray(done, done + n), used)
      done += n
      this.size += n
    }
  }

  /** Adopts chunks made elsewhere (the decoder thread's shared chunks), counting them against the budget. */
  adopt(chunks: Uint8Array[], size: number): boolean {
    const bytes = chunks.length * CHUNK_BYTES
    if (size > this.limit || !this.memory.reserve(bytes)) return false
    this.reserved += bytes
    append(this.chunks, chunks)
    this.size = size
    return true
  }

  source(): ByteSource {
    return chunkedSource(this.chunks, this.size)
  }

  release(): void {
    this.memory.release(this.reserved)
    this.reserved = 0
    this.chunks.length = 0
  }
}

/**
 * A source over fixed-size chunks: a read inside one chunk is a view (no copy), one across chunks
 * copies only the bytes asked for.
 */
function chunkedSource(chunks: readonly Uint8Array[], size: number): ByteSource {
  const view = (i: number, from: number, to: number) =>
    Buffer.from(chunks[i].buffer, chunks[i].byteOffset + from, to - from)
  return {
    size,
    read(offset, length) {
      const start = Math.max(0, offset)
      const end = Math.max(start, Math.min(size, offset + length))
      if (end === start) return Buffer.alloc(0)
      const first = Math.floor(start / CHUNK_BYTES)
      const last = Math.floor((end - 1) / CHUNK_BYTES)
      if (first === last) return view(first, start - first * CHUNK_BYTES, end - first * CHUNK_BYTES)
      const out = Buffer.allocUnsafe(end - start)
      for (let i = first, at = 0; i <= last; i++) {
        const from = i === first ? start - i * CHUNK_BYTES : 0
        const to = i === last ? end - i * CHUNK_BYTES : CHUNK_BYTES
        out.set(chunks[i].subarray(from, to), at)
        at += to - from
      }
      return out
    },
  }
}
