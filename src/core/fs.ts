import {randomBytes} from 'node:crypto'
import {constants} from 'node:fs'
import {open, rename, rm, stat} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {fsError} from './errors.js'

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
  if (options.exclusive && (await pathExists(path))) {
    throw fsError(Object.assign(new Error('file exists'), {code: 'EEXIST'}), path, 'write')
  }
  const temp = tempPathFor(path)
  try {
    const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, options.mode ?? 0o644)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
    await syncDirectory(dirname(path))
  } catch (error) {
    await rm(temp, {force: true})
    throw fsError(error, path, 'write')
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

/** Reads at most `length` bytes from the start of a file (or fewer when the file is shorter). */
export async function readHead(path: string, length: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY)
  try {
    const buffer = Buffer.alloc(length)
    const {bytesRead} = await handle.read(buffer, 0, length, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}
