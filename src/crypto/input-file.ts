import {constants, type Stats} from 'node:fs'
import {type FileHandle, lstat, open, realpath, stat} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {coreError, fsError} from '../core/errors.js'
import {cryptoError} from './errors.js'

/** An input opened once; every later read goes through this descriptor, never the name again. */
export interface OpenInput {
  path: string
  handle: FileHandle
  info: Stats
}

/**
 * Opens a regular file for reading. O_NONBLOCK keeps a FIFO or device from blocking the open;
 * anything but a regular file is then refused.
 */
export async function openInput(path: string): Promise<OpenInput> {
  let handle: FileHandle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    throw fsError(error, path)
  }
  const info = await handle.stat()
  if (!info.isFile()) {
    await handle.close()
    throw coreError('INPUT_UNREADABLE', `${path} is not a regular file.`)
  }
  return {path, handle, info}
}

/** The real path `output` would have: its directory resolved through symlinks, its name kept. */
async function realOutputPath(output: string): Promise<string | undefined> {
  const dir = await realpath(dirname(resolve(output))).catch(() => undefined)
  return dir === undefined ? undefined : join(dir, basename(output))
}

/**
 * Refuses when `output` is the input itself: the same device and inode (a hard link or a symlink
 * to it), or the same real path. Writing over the input would destroy the only copy.
 */
export async function refuseSameFile(input: OpenInput, output: string): Promise<void> {
  const existing = await stat(output).catch(() => undefined)
  const sameInode = existing !== undefined && existing.dev === input.info.dev && existing.ino === input.info.ino
  const [realIn, realOut] = await Promise.all([realpath(input.path).catch(() => undefined), realOutputPath(output)])
  if (sameInode || (realIn !== undefined && realIn === realOut)) {
    throw cryptoError('SAME_FILE', `${output} is the input file ${input.path}; choose another --output.`)
  }
}

/** What identifies a file's content for change detection: inode, size, modification and change times. */
function sameState(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs
}

/** Throws INPUT_CHANGED when the open input no longer matches the state it had when opened. */
export async function assertInputUnchanged(input: OpenInput, what: string): Promise<void> {
  const now = await input.handle.stat()
  if (!sameState(input.info, now)) {
    const size = now.size === input.info.size ? '' : ` (size ${input.info.size} → ${now.size})`
    throw cryptoError(
      'INPUT_CHANGED',
      `${input.path} changed while it was being encrypted${size}; ${what}. Encrypt it again once nothing writes to it.`,
    )
  }
}

/**
 * Why the input must not be unlinked after encryption, or undefined when it may: the name now
 * names another file or the file changed (an error), or removing the name would not remove the
 * plaintext (a symlink, or other hard links: a warning, the input is kept).
 */
export async function removalProblem(input: OpenInput): Promise<{error?: string; warning?: string} | undefined> {
  const named = await lstat(input.path).catch(() => undefined)
  if (named?.isSymbolicLink()) {
    return {warning: `${input.path} is a symbolic link; it and its target were kept (remove the target yourself)`}
  }
  const now = await input.handle.stat()
  if (!named || !sameState(input.info, named) || !sameState(input.info, now)) {
    return {error: `${input.path} changed or was replaced after it was encrypted; it was kept`}
  }
  if (now.nlink > 1) {
    return {warning: `${input.path} has ${now.nlink} hard links; it was kept, since removing one name leaves the data`}
  }
  return undefined
}
