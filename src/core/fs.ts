import {randomBytes} from 'node:crypto'
import {closeSync, constants, fstatSync, openSync, readSync, type Stats} from 'node:fs'
import {mkdir, open, rename, rm, stat} from 'node:fs/promises'
import {basename, dirname, extname, join, resolve} from 'node:path'
import {coreError, fsError, outputExistsError} from './errors.js'

/**
 * A synchronous file-system call's result, or `fallback` when it throws: a /proc entry whose
 * process exited, a file this user may not read, a path that is not a link.
 */
export function syncOr<T>(call: () => T, fallback: T): T {
  try {
    return call()
  } catch {
    return fallback
  }
}

/** An error carrying an errno name, as Node's own file-system errors do (fsError reads the code). */
export function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), {code})
}

/**
 * Up to `max` bytes of a regular file and its status, read on the calling thread. Opened without
 * blocking, and anything but a regular file is refused (EISDIR, EFTYPE): a FIFO or a device would
 * block or never end. A file is read up to the size its status gives (one read for most); files
 * of size 0 (/proc) are read in chunks to their end. With `tooLarge`, a file over `max` is refused
 * with that error instead of cut, before it is read (and one that grows past it while read).
 */
export function readRegularFileSync(path: string, max: number, tooLarge?: () => Error): {data: Buffer; stats: Stats} {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) throw errnoError(stats.isDirectory() ? 'EISDIR' : 'EFTYPE', `${path} is not a regular file`)
    if (tooLarge && stats.size > max) throw tooLarge()
    // When refusing, one byte more than allowed, to see a file that grew since fstat.
    const limit = (stats.size > 0 ? Math.min(max, stats.size) : max) + (tooLarge ? 1 : 0)
    const chunks: Buffer[] = []
    let total = 0
    while (total < limit) {
      const buffer = Buffer.allocUnsafe(stats.size > 0 ? limit - total : Math.min(limit - total, 64 * 1024))
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null)
      if (bytesRead === 0) break
      chunks.push(buffer.subarray(0, bytesRead))
      total += bytesRead
    }
    if (tooLarge && total > max) throw tooLarge()
    return {data: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), stats}
  } finally {
    closeSync(fd)
  }
}

/** A regular file of at most `maxBytes` (readRegularFileSync); errors name the path (fsError). */
export function readFileBoundedSync(path: string, maxBytes: number): Buffer {
  try {
    return readRegularFileSync(path, maxBytes, () =>
      coreError('INPUT_MALFORMED', `${path} is larger than ${maxBytes} bytes.`),
    ).data
  } catch (error) {
    throw fsError(error, path)
  }
}

/** A temporary path in the same directory as `path`, so that rename() is atomic. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
}

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o644; keys use 0o600). */
  mode?: number
  /** Refuse to replace an existing file. */
  exclusive?: boolean
}

/**
 * Writes a file so that readers see either the old content or the whole new content:
 * temp file in the same directory, fsync, rename, fsync of the directory.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  await writeChunksAtomic(path, [data], options)
}

/** Bytes gathered before one write() when writing chunks. */
const WRITE_BATCH = 1 << 20

/**
 * writeFileAtomic for content made a piece at a time (a report rendered host by host): the pieces
 * are written in batches of about 1 MiB as they come, so the whole content is never in memory.
 */
export async function writeChunksAtomic(
  path: string,
  chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  if (options.exclusive) await refuseExisting([path])
  const temp = tempPathFor(path)
  try {
    const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, options.mode ?? 0o644)
    try {
      let batch: string[] = []
      let size = 0
      const flush = async () => {
        if (batch.length) await handle.writeFile(batch.join(''))
        batch = []
        size = 0
      }
      for await (const chunk of chunks) {
        if (typeof chunk !== 'string') {
          await flush()
          await handle.writeFile(chunk)
          continue
        }
        batch.push(chunk)
        size += chunk.length
        if (size >= WRITE_BATCH) await flush()
      }
      await flush()
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
    await syncDirectory(dirname(path))
  } catch (error) {
    // The temp file may not exist (or its directory be unreadable): cleaning up must not hide the cause.
    await rm(temp, {force: true}).catch(() => undefined)
    // A failure of the content's producer is its own error, not a write failure.
    if (!(error instanceof Error && 'code' in error)) throw error
    throw fsError(error, path, 'write')
  }
}

/** Refuses (OUTPUT_EXISTS) when one of `paths` exists, unless `force` says to replace it. */
export async function refuseExisting(paths: string[], force = false): Promise<void> {
  if (force) return
  for (const path of paths) if (await pathExists(path)) throw outputExistsError(path)
}

/**
 * Creates a directory for outputs (and its parents). A failure is one OUTPUT_UNWRITABLE line
 * naming `forPath`: the output that needed the directory (default: the directory itself).
 */
export async function ensureDirectory(dir: string, mode?: number, forPath = dir): Promise<void> {
  try {
    await mkdir(dir, {recursive: true, mode})
  } catch (error) {
    throw fsError(error, forPath, 'create-directory')
  }
}

/** fsyncs a directory so that a rename inside it survives a crash (best effort). */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY)
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself already happened.
  }
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/**
 * A file name for a hint to write to that is not `input`: a hint must never suggest
 * overwriting the file the user just passed (`llmsec report package.json`).
 */
export function suggestedOutput(name: string, input: string): string {
  if (resolve(name) !== resolve(input)) return name
  const ext = extname(name)
  return `${name.slice(0, name.length - ext.length)}-new${ext}`
}
