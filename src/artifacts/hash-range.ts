import {createHash} from 'node:crypto'
import {closeSync, openSync, readSync} from 'node:fs'
import {open} from 'node:fs/promises'

/** Read size: large enough for full hashing speed, small enough to keep memory flat. */
export const CHUNK_BYTES = 1024 * 1024
/** Report progress after this many bytes, to keep messages few. */
const PROGRESS_BYTES = 32 * 1024 * 1024

export interface RangeRequest {
  path: string
  /** node:crypto algorithm name, e.g. sha256 or blake2b512. */
  algorithm: string
  /** First byte (inclusive). */
  start: number
  /** Last byte (exclusive); undefined hashes to the end of the file. */
  end?: number
}

/** Hash and progress bookkeeping shared by the async and the blocking read loops. */
function createRangeHasher(request: RangeRequest, onBytes: (delta: number) => void) {
  const hash = createHash(request.algorithm)
  let position = request.start
  let unreported = 0
  const end = request.end ?? Number.POSITIVE_INFINITY
  return {
    position: () => position,
    /** How many bytes to read next, at `from` (default: after the bytes hashed); 0 when the range is done. */
    wanted: (bufferLength: number, from = position) => Math.max(0, Math.min(bufferLength, end - from)),
    add(chunk: Buffer) {
      hash.update(chunk)
      position += chunk.length
      unreported += chunk.length
      if (unreported >= PROGRESS_BYTES) {
        onBytes(unreported)
        unreported = 0
      }
    },
    finish(): {digest: string; bytes: number} {
      if (unreported > 0) onBytes(unreported)
      return {digest: hash.digest('hex'), bytes: position - request.start}
    },
  }
}

/**
 * Hashes a byte range of a file through two caller-owned buffers, so memory stays bounded
 * whatever the file size. The next read runs on the libuv thread pool while this thread hashes
 * the previous one, so copying from the page cache and hashing overlap (on tmpfs this takes
 * the read's share, about a fifth, off the wall time of one stream). Used on the calling thread.
 */
export async function hashRange(
  request: RangeRequest,
  buffers: readonly [Buffer, Buffer],
  onBytes: (delta: number) => void,
  /** Checked before each read: when it says true, the range ends early (its digest is then not used). */
  stopped: () => boolean = () => false,
): Promise<{digest: string; bytes: number}> {
  const hasher = createRangeHasher(request, onBytes)
  const handle = await open(request.path, 'r')
  try {
    const read = (buffer: Buffer, at: number) => {
      const wanted = stopped() ? 0 : hasher.wanted(buffer.length, at)
      return wanted > 0 ? handle.read(buffer, 0, wanted, at) : Promise.resolve({bytesRead: 0, buffer})
    }
    let position = request.start
    let next = read(buffers[0], position)
    try {
      for (let turn = 0; ; turn ^= 1) {
        const {bytesRead, buffer} = await next
        if (bytesRead === 0) break
        position += bytesRead
        next = read(buffers[turn ^ 1], position)
        hasher.add(buffer.subarray(0, bytesRead))
      }
    } finally {
      // A read still in flight must end before the file is closed and its buffer reused.
      await next.catch(() => undefined)
    }
    return hasher.finish()
  } finally {
    await handle.close()
  }
}

/**
 * The same as hashRange with blocking reads, for worker threads: a worker does nothing
 * else meanwhile, and skipping the libuv thread-pool hop per read saves about 7 % CPU
 * (the cores are all busy hashing then, so overlapping reads would gain nothing).
 */
export function hashRangeSync(
  request: RangeRequest,
  buffer: Buffer,
  onBytes: (delta: number) => void,
): {digest: string; bytes: number} {
  const hasher = createRangeHasher(request, onBytes)
  const fd = openSync(request.path, 'r')
  try {
    for (let wanted = hasher.wanted(buffer.length); wanted > 0; wanted = hasher.wanted(buffer.length)) {
      const bytesRead = readSync(fd, buffer, 0, wanted, hasher.position())
      if (bytesRead === 0) break
      hasher.add(buffer.subarray(0, bytesRead))
    }
    return hasher.finish()
  } finally {
    closeSync(fd)
  }
}
