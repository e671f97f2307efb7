import {isAbsolute, relative, resolve, sep} from 'node:path'
import {artifactsError} from './errors.js'

/**
 * Git paths the reference leaves out unless --no-ignore-git-paths is given, matched as
 * top-level components of the model root.
 */
const GIT_IGNORE_PATHS = ['.git', '.gitattributes', '.github', '.gitignore'] as const

/** The git paths to leave out: all of them by default, as the reference does, or none. */
export function gitIgnorePaths(ignoreGitPaths = true): readonly string[] {
  return ignoreGitPaths ? GIT_IGNORE_PATHS : []
}

/**
 * Orders resource names by Unicode code point, as OMS requires. UTF-8 byte order equals
 * code point order, whereas JavaScript's default sort compares UTF-16 code units.
 */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** Canonicalizes a relative path: `/` separators, no `.` parts, no doubled or trailing `/`. */
export function canonicalizeRelative(path: string): string {
  const parts = path.split(/[\\/]+/).filter((part) => part !== '' && part !== '.')
  return parts.join('/')
}

/**
 * Turns a user's --ignore-paths entry into a canonical path relative to the model root.
 * Entries may be relative to the root or absolute paths inside it.
 */
export function normalizeIgnorePath(entry: string, root: string): string {
  let rel = entry
  if (isAbsolute(entry)) {
    rel = relative(resolve(root), resolve(entry))
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw artifactsError('PATH_INVALID', `--ignore-paths ${entry} is outside the model directory ${root}.`)
    }
    rel = rel.split(sep).join('/')
  }
  return checkIgnorePath(canonicalizeRelative(rel), entry)
}

/** Rejects ignore paths that OMS forbids: globs, parent traversal, empty entries. */
function checkIgnorePath(path: string, original = path): string {
  if (path === '') throw artifactsError('PATH_INVALID', `Ignore path "${original}" names the model root itself.`)
  if (/[*?[]/.test(path)) {
    throw artifactsError('PATH_INVALID', `Ignore path "${original}" contains a glob character; give exact paths.`)
  }
  if (path.split('/').includes('..') || path.startsWith('/')) {
    throw artifactsError('PATH_INVALID', `Ignore path "${original}" leaves the model directory.`)
  }
  return path
}

/** A matcher for canonical relative names: exact paths and everything beneath them. */
export function createIgnoreMatcher(paths: Iterable<string>): (name: string) => boolean {
  const set = new Set(paths)
  return (name) => {
    if (set.has(name)) return true
    let slash = name.indexOf('/')
    while (slash !== -1) {
      if (set.has(name.slice(0, slash))) return true
      slash = name.indexOf('/', slash + 1)
    }
    return false
  }
}

/** The canonical, sorted, de-duplicated ignore list recorded in the statement. */
export function mergeIgnorePaths(...lists: Iterable<string>[]): string[] {
  const all = new Set<string>()
  for (const list of lists) for (const path of list) all.add(path)
  return [...all].sort(compareNames)
}
