import {stat} from 'node:fs/promises'
import {posix, resolve} from 'node:path'

import {coreError} from './errors.js'
import {isVirtualRoot, rootFsOf} from './root-fs.js'

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
  ENOTLOCAL: 'needs a file on this machine; an image is read without extracting it',
}

/** An unreadable record for `path` with errno `code`. */
export function unreadable(path: string, code: string): Unreadable {
  return {path, code, reason: `${REASONS[code] ?? 'cannot be read'} (${code})`}
}

/**
 * Maps an absolute path on an inspected system (a mounted image under `root`) to a path on this
 * machine. Every symlink is followed inside the root: an absolute target is re-anchored at the
 * root and `..` never climbs above it, so an image can never make llmsec read this machine's
 * files. More than 40 links (a loop, or a chain built to exhaust the walk) is an ELOOP error, never
 * a path left with an unresolved link for the kernel to follow. With root `/` the path is returned
 * unchanged. A virtual root (`--image`) has no such path: ENOTLOCAL, recorded as unreadable.
 */
export async function resolveInRoot(root: string, path: string): Promise<string> {
  return rootFsOf(root).hostPath(path)
}

/** Expands `~/x` into x under every home directory; other paths are returned as they are. */
export function expandHome(path: string, homes: string[]): string[] {
  return path.startsWith('~/') ? homes.map((h) => posix.join(h, path.slice(2))) : [path]
}

/** Reads a text file of an inspected system (its path resolved inside the root); null when absent or unreadable. */
export async function readTextInRoot(root: string, path: string, max = MAX_TEXT_BYTES): Promise<string | null> {
  try {
    return (await rootFsOf(root).read(path, max)).data.toString('utf8')
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
  if (isVirtualRoot(root)) return root
  const absolute = resolve(root)
  if (!(await stat(absolute).catch(() => null))?.isDirectory())
    throw coreError('INPUT_NOT_FOUND', `--root ${root} is not a directory; pass the mounted root filesystem.`)
  return absolute
}
