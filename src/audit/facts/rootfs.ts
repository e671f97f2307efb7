import type {Stats} from 'node:fs'
import {lstat, readdir, stat} from 'node:fs/promises'
import {join, posix} from 'node:path'

import {readTextInRoot as readTextIn, resolveInRoot} from '../../core/root-path.js'

/** Paths of the audited system are resolved, and text files read, inside the root (src/core/root-path.ts). */
export {readTextInRoot as readTextIn, resolveInRoot} from '../../core/root-path.js'

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
