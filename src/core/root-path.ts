import {constants} from 'node:fs'
import {open, readlink, stat} from 'node:fs/promises'
import {isAbsolute, join, posix, resolve} from 'node:path'

import {coreError} from './errors.js'

/** Largest text file read from an inspected system (configuration files are small). */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024

/** A path of an inspected system that exists (or may exist) but could not be read. */
export interface Unreadable {
  path: string
  /** The errno name (EACCES, EPERM, EIO, ELOOP…); EISDIR or EFTYPE when the path is not a regular file. */
  code: string
  /** What stopped the read, e.g. "permission denied (EACCES)". */
  reason: string
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'I/O error',
  ELOOP: 'too many symbolic links',
  EISDIR: 'is a directory, not a file',
  EFTYPE: 'not a regular file',
}

/** An unreadable record for `path` with errno `code`. */
export function unreadable(path: string, code: string): Unreadable {
  return {path, code, reason: `${REASONS[code] ?? 'cannot be read'} (${code})`}
}

/** Most symlinks followed for one path, as the kernel's ELOOP limit. */
const MAX_LINK_HOPS = 40

/**
 * Maps an absolute path on an inspected system (a mounted image under `root`) to a path on this
 * machine. Every symlink is followed inside the root: an absolute target is re-anchored at the
 * root and `..` never climbs above it, so an image can never make llmsec read this machine's
 * files. More than 40 links (a loop, or a chain built to exhaust the walk) is an ELOOP error, never
 * a path left with an unresolved link for the kernel to follow. With root `/` the path is returned
 * unchanged.
 */
export async function resolveInRoot(root: string, path: string): Promise<string> {
  if (root === '/') return path
  const parts = posix.normalize(`/${path}`).split('/').filter(Boolean)
  let current = '/'
  for (let hops = 0, i = 0; i < parts.length; i++) {
    const candidate = posix.join(current, parts[i])
    let target: string | undefined
    try {
      target = await readlink(join(root, candidate))
    } catch {
      // not a symlink, or absent: keep the name
    }
    if (target === undefined) {
      current = candidate
      continue
    }
    if (++hops > MAX_LINK_HOPS)
      throw Object.assign(new Error(`too many symbolic links under ${root} resolving ${path}`), {code: 'ELOOP'})
    const next = isAbsolute(target) ? target : posix.join(current, target)
    parts.splice(0, i + 1, ...posix.normalize(next).split('/').filter(Boolean))
    current = '/'
    i = -1
  }
  return join(root, current)
}

/** Expands `~/x` into x under every home directory; other paths are returned as they are. */
export function expandHome(path: string, homes: string[]): string[] {
  return path.startsWith('~/') ? homes.map((h) => posix.join(h, path.slice(2))) : [path]
}

/** Reads a text file of an inspected system (its path resolved inside the root); null when absent or unreadable. */
export async function readTextInRoot(root: string, path: string, max = MAX_TEXT_BYTES): Promise<string | null> {
  try {
    const handle = await open(await resolveInRoot(root, path), constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      const info = await handle.stat()
      if (!info.isFile()) return null
      const buffer = Buffer.alloc(Math.min(info.size, max))
      const {bytesRead} = await handle.read(buffer, 0, buffer.length, 0)
      return buffer.subarray(0, bytesRead).toString('utf8')
    } finally {
      await handle.close()
    }
  } catch {
    return null
  }
}

/**
 * The absolute root of the system to inspect: `/` when none is given, else the `--root` directory,
 * which must exist (a usage error names it otherwise).
 */
export async function resolveRootOption(root: string | undefined): Promise<string> {
  if (!root) return '/'
  const absolute = resolve(root)
  if (!(await stat(absolute).catch(() => null))?.isDirectory())
    throw coreError('INPUT_NOT_FOUND', `--root ${root} is not a directory; pass the mounted root filesystem.`)
  return absolute
}
