import {closeSync, fstatSync, openSync, readSync} from 'node:fs'

/**
 * Random-access bytes: a file (read on demand, never whole) or a buffer. Every parser
 * reads through this so that tensor data is never touched and archives nest without copies.
 */
export interface ByteSource {
  readonly size: number
  /** Reads up to `length` bytes at `offset` (fewer at the end of the source). */
  read(offset: number, length: number): Buffer
}

/** A source over an in-memory buffer. */
export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: (offset, length) =>
      buffer.subarray(Math.max(0, offset), Math.max(0, Math.min(buffer.length, offset + length))),
  }
}

/** A window [start, start + size) of another source (a stored zip member, an .npy payload). */
export function sliceSource(parent: ByteSource, start: number, size: number): ByteSource {
  const clipped = Math.max(0, Math.min(size, parent.size - start))
  return {
    size: clipped,
    read: (offset, length) => {
      if (offset >= clipped || length <= 0) return Buffer.alloc(0)
      return parent.read(start + offset, Math.min(length, clipped - offset))
    },
  }
}

/** An open file read with positioned reads; close it when done. */
export interface FileSource extends ByteSource {
  close(): void
}

/**
 * Positioned reads of [start, start + size) of an open descriptor. The first read (format
 * detection) is kept: for small files every later read is served from it.
 */
function positionedSource(fd: number, start: number, size: number): ByteSource {
  let head: Buffer | null = null
  return {
    size,
    read(offset, length) {
      if (head && offset >= 0 && offset + Math.min(length, size - offset) <= head.length)
        return head.subarray(offset, offset + Math.min(length, size - offset))
      const want = Math.max(0, Math.min(length, size - offset))
      const buffer = Buffer.allocUnsafe(want)
      let done = 0
      while (done < want) {
        const n = readSync(fd, buffer, done, want - done, start + offset + done)
        if (n === 0) break
        done += n
      }
      const out = buffer.subarray(0, done)
      if (offset === 0 && head === null && want <= 64 * 1024) head = out
      return out
    },
  }
}

export function openFileSource(path: string): FileSource {
  const fd = openSync(path, 'r')
  try {
    return {...positionedSource(fd, 0, fstatSync(fd).size), close: () => closeSync(fd)}
  } catch (error) {
    closeSync(fd)
    throw error
  }
}

/**
 * A range of a descriptor another part of this process owns (a member of an image archive, read
 * in place): never closed here.
 */
export function descriptorRangeSource(fd: number, start: number, size: number): ByteSource {
  return positionedSource(fd, start, size)
}

/** A forward reader over a source with a small read-ahead cache (the pickle and GGUF walkers use it). */
export class Cursor {
  pos: number
  private chunk: Buffer = Buffer.alloc(0)
  private chunkStart = 0

  constructor(
    readonly source: ByteSource,
    start = 0,
    private readonly chunkSize = 64 * 1024,
  ) {
    this.pos = start
  }

  get remaining(): number {
    return this.source.size - this.pos
  }

  /** Returns the next byte and advances, or -1 at the end (no Buffer allocation: the walker's hot path). */
  byte(): number {
    const i = this.pos - this.chunkStart
    if (i >= 0 && i < this.chunk.length) {
      this.pos++
      return this.chunk[i]
    }
    const b = this.take(1)
    return b ? b[0] : -1
  }

  /** Returns exactly n bytes and advances, or null when the source ends first. */
  take(n: number): Buffer | null {
    if (n < 0 || n > this.remaining) return null
    const end = this.pos + n
    if (this.pos < this.chunkStart || end > this.chunkStart + this.chunk.length) {
      if (n > this.chunkSize) {
        const out = this.source.read(this.pos, n)
        this.pos = end
        return out
      }
      this.chunk = this.source.read(this.pos, this.chunkSize)
      this.chunkStart = this.pos
    }
    const out = this.chunk.subarray(this.pos - this.chunkStart, end - this.chunkStart)
    this.pos = end
    return out
  }

  /** Skips n bytes without reading them; false when that passes the end. */
  skip(n: number): boolean {
    if (n < 0 || n > this.remaining) return false
    this.pos += n
    return true
  }

  /** True when the last line() was longer than it kept. */
  lineTruncated = false

  /**
   * Reads up to and excluding '\n', keeping at most `keep` bytes (long protocol 0 strings are skipped,
   * not buffered). Returns null when the source ends before a newline.
   */
  line(keep = 4096): Buffer | null {
    const kept: Buffer[] = []
    let total = 0
    while (this.remaining > 0) {
      const piece = this.take(Math.min(4096, this.remaining))!
      const nl = piece.indexOf(0x0a)
      const body = nl >= 0 ? piece.subarray(0, nl) : piece
      if (total < keep) kept.push(body.subarray(0, keep - total))
      total += body.length
      if (nl >= 0) {
        this.pos -= piece.length - nl - 1
        this.lineTruncated = total > keep
        return Buffer.concat(kept)
      }
    }
    return null
  }
}
