import type {Dirent} from 'node:fs'
import {readdir, stat} from 'node:fs/promises'
import {basename, join, relative, sep} from 'node:path'

import {fsError} from '../core/errors.js'

/** Whether a path (relative to the scanned root) matches an exclude glob, by full path or by basename. */
export function isExcluded(relativePath: string, patterns: RegExp[]): boolean {
  const path = relativePath.split(sep).join('/')
  return patterns.some((p) => p.test(path) || p.test(basename(path)))
}

/**
 * Lists regular files under a directory, recursively, in sorted order. Symlinked directories are not
 * followed (no loops); excluded directories are not entered.
 */
export async function listFiles(root: string, exclude: RegExp[], limit = 1_000_000): Promise<string[]> {
  const files: string[] = []
  const pending = [root]
  while (pending.length > 0 && files.length < limit) {
    const dir = pending.pop()!
    let entries: Dirent[]
    try {
      entries = (await readdir(dir, {withFileTypes: true})).sort((a, b) => (a.name < b.name ? 1 : -1))
    } catch (error) {
      throw fsError(error, dir, 'list')
    }
    for (const entry of entries) {
      const path = join(dir, entry.name)
      if (isExcluded(relative(root, path), exclude)) continue
      if (entry.isDirectory()) pending.push(path)
      else if (entry.isFile()) files.push(path)
      else if (entry.isSymbolicLink() && (await stat(path).catch(() => null))?.isFile()) files.push(path)
    }
  }
  return files.sort()
}
