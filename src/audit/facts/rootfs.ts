import {constants, type Stats} from 'node:fs'
import {lstat, open, readdir, readlink, stat} from 'node:fs/promises'
import {isAbsolute, join, normalize, posix} from 'node:path'

/** Largest configuration file read by a fact provider. */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024

/**
 * Maps an absolute path on the audited system to a path on this machine. Symlinks are followed
 * inside the root (an absolute link target is re-anchored at the root), so an unpacked image
 * never makes llmsec read this machine's /etc.
 */
export async function resolveInRoot(root: string, path: string): Promise<string> {
  if (root === '/') return path
  const parts = normalize(path).split('/').filter(Boolean)
  let current = '/'
  for (let hops = 0, i = 0; i < parts.length; i++) {
    const candidate = posix.join(current, parts[i])
    let target: string | undefined
    try {
      target = await readlink(join(root, candidate))
    } catch {
      // not a symlink or does not exist: keep the name
    }
    if (target !== undefined && hops++ < 40) {
      const next = isAbsolute(target) ? target : posix.join(current, target)
      parts.splice(0, i + 1, ...normalize(next).split('/').filter(Boolean))
      current = '/'
      i = -1
      continue
    }
    current = candidate
  }
  return join(root, current)
}

/** Reads a text file of the audited system; null when absent or unreadable. */
export async function readTextIn(root: string, path: string, max = MAX_TEXT_BYTES): Promise<string | null> {
  try {
    const handle = await open(await resolveInRoot(root, path), constants.O_RDONLY)
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

/** stat() of a path of the audited system (following links inside the root); null when absent. */
export async function statIn(root: string, path: string): Promise<Stats | null> {
  try {
    return await stat(await resolveInRoot(root, path))
  } catch {
    return null
  }
}

/** lstat() of a path of the audited system; null when absent. */
export async function lstatIn(root: string, path: string): Promise<Stats | null> {
  try {
    return await lstat(join(root, path))
  } catch {
    return null
  }
}

/** Entry names of a directory of the audited system, sorted; [] when absent. */
export async function listDirIn(root: string, path: string): Promise<string[]> {
  try {
    return (await readdir(await resolveInRoot(root, path))).sort()
  } catch {
    return []
  }
}

/** Reads every `*.conf`-like file of a directory in name order (drop-in directories). */
export async function readDropIns(
  root: string,
  dir: string,
  suffix = '.conf',
): Promise<{path: string; text: string}[]> {
  const out: {path: string; text: string}[] = []
  for (const name of await listDirIn(root, dir)) {
    if (!name.endsWith(suffix)) continue
    const path = posix.join(dir, name)
    const text = await readTextIn(root, path)
    if (text !== null) out.push({path, text})
  }
  return out
}

/** Formats a file mode as four octal digits (0644). */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0')
}

/** Lines of a config file without comments and blank lines. */
export function configLines(text: string, comment = /^\s*[#;]/): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !comment.test(line))
}
