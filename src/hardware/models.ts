import {posix, resolve} from 'node:path'

import type {OnProgress} from '../core/progress.js'
import {rootFsOf, type RootDirent, type RootFs, type RootStats} from '../core/root-fs.js'
import {expandHome, unreadable, type Unreadable} from '../core/root-path.js'
// Format detection only: the crypto and scan indexes (ciphers, parsers, worker pools) are loaded by
// the commands and checks that use them, not by every audit and inventory that walks model directories.
import {hasMagic} from '../crypto/format.js'
import {DETECT_HEAD_BYTES, detectModelFormat, type ModelFormat as ScanFormat} from '../scan/detect.js'
import {RUNTIME_LIST} from './runtimes.catalog.js'

/** A model file's format: one of the scan engine's, or llmsec's encrypted container. */
export type ModelFormat = Exclude<ScanFormat, 'unknown'> | 'llmsec-encrypted'

export interface ModelFile {
  /** The path on the inspected system (inside `--root` when one is given). */
  path: string
  format: ModelFormat
  sizeBytes: number
  uid: number
  owner: string | null
  /** Permission bits as octal text, e.g. "0644". */
  mode: string
  worldReadable: boolean
  modifiedAt: string
  accessedAt: string
  /** Whole days since last access: large values mark inactive models. */
  daysSinceAccess: number
}

export interface ModelDirectory {
  path: string
  status: 'ok' | 'missing' | 'error'
  reason?: string
  /** Owner and permission bits ("0755") of a directory that exists. */
  uid?: number
  mode?: string
}

export interface ModelSection {
  directories: ModelDirectory[]
  files: ModelFile[]
  /**
   * Directories and files that could not be read (at most 1,000), a searched directory's own error
   * included: models may hide there, so the listing is incomplete.
   */
  unreadable: Unreadable[]
  /** True when the walk stopped at its entry or depth limit: files may be missing. */
  truncated: boolean
}

/** Directories any model may live in, whichever runtime uses it; `~/` is every login home. */
const GENERIC_MODEL_DIRS = [
  '/srv/models',
  '/opt/models',
  '/models',
  '/var/lib/models',
  '~/models',
  '~/.cache/huggingface/hub',
]

/** Where models are kept by default: the generic places, then each catalog runtime's own. */
export function defaultModelDirectories(): string[] {
  return [...new Set([...GENERIC_MODEL_DIRS, ...RUNTIME_LIST.flatMap((r) => r.modelDirs ?? [])])]
}

export interface FindModelsOptions {
  /** The inspected system's root (`--root`); `/` is this host. */
  root?: string
  /** Directories (or single files) on the inspected system; `~/x` expands over `homes`. */
  directories: string[]
  homes?: string[]
  /** uid → user name, for `owner`. */
  users?: Map<number, string>
  onProgress?: OnProgress
}

const MAX_ENTRIES = 100_000
const MAX_DEPTH = 12
const MAX_UNREADABLE = 1000

interface Walk {
  fs: RootFs
  section: ModelSection
  seen: Set<string>
  visited: number
  users: Map<number, string>
  now: number
  onProgress?: OnProgress
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`

/** A file's format from its first bytes: the crypto engine's magic, else the scan engine's detection. */
export function detectFormat(head: Buffer, size: number): ScanFormat | 'llmsec-encrypted' {
  return hasMagic(head) ? 'llmsec-encrypted' : detectModelFormat(head, size)
}

function modelFile(path: string, format: ModelFormat, info: RootStats, walk: Walk): ModelFile {
  return {
    path,
    format,
    sizeBytes: info.size,
    uid: info.uid,
    owner: walk.users.get(info.uid) ?? null,
    mode: octal(info.mode),
    worldReadable: (info.mode & 0o004) !== 0,
    modifiedAt: info.mtime.toISOString(),
    accessedAt: info.atime.toISOString(),
    daysSinceAccess: Math.max(0, Math.floor((walk.now - info.atimeMs) / 86_400_000)),
  }
}

const NOT_A_FILE = new Set(['EISDIR', 'EFTYPE'])

/**
 * Inspects one path by its first bytes, resolved inside the root (a symlink is followed there:
 * Hugging Face snapshots link to blobs). Directories and special files are skipped unread.
 */
async function inspect(path: string, walk: Walk, readPath = path): Promise<void> {
  let head: Buffer
  let info: RootStats
  try {
    ;({data: head, stats: info} = await walk.fs.read(readPath, DETECT_HEAD_BYTES))
  } catch (error) {
    if (!NOT_A_FILE.has((error as NodeJS.ErrnoException).code ?? '')) noteUnreadable(walk, path, error)
    return
  }
  if (info.size === 0) return
  const key = `${info.dev}:${info.ino}`
  if (walk.seen.has(key)) return
  walk.seen.add(key)
  const format = detectFormat(head, info.size)
  if (format !== 'unknown') walk.section.files.push(modelFile(path, format, info, walk))
}

/** Records a path that could not be read; an absent one is no gap (null). */
function noteUnreadable(walk: Walk, path: string, error: unknown): Unreadable | null {
  const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN'
  if (code === 'ENOENT' || code === 'ENOTDIR') return null
  const entry = unreadable(path, code)
  if (walk.section.unreadable.length < MAX_UNREADABLE) walk.section.unreadable.push(entry)
  return entry
}

async function listDirectory(real: string, path: string, walk: Walk): Promise<RootDirent[]> {
  try {
    return (await walk.fs.readdir(real)).sort((a, b) => (a.name < b.name ? -1 : 1))
  } catch (error) {
    noteUnreadable(walk, path, error)
    return []
  }
}

/**
 * Walks a directory read at `real` (links resolved) and reported as `path`; directory symlinks
 * below it are never followed (file symlinks are, inside the root).
 */
async function walkDirectory(real: string, path: string, depth: number, walk: Walk): Promise<void> {
  if (depth > MAX_DEPTH) {
    walk.section.truncated = true
    return
  }
  for (const entry of await listDirectory(real, path, walk)) {
    if (walk.visited++ >= MAX_ENTRIES) {
      walk.section.truncated = true
      return
    }
    const child = posix.join(path, entry.name)
    const realChild = posix.join(real, entry.name)
    if (entry.isDirectory()) await walkDirectory(realChild, child, depth + 1, walk)
    else if (entry.isFile()) await inspect(child, walk, realChild)
    else if (entry.isSymbolicLink()) await inspect(child, walk)
    if (walk.visited % 200 === 0) walk.onProgress?.({phase: 'finding model files', done: walk.visited, unit: 'files'})
  }
}

async function searchDirectory(path: string, walk: Walk): Promise<ModelDirectory> {
  try {
    // A linked search directory is followed, inside the root; links below it are not.
    const real = await walk.fs.realpath(path)
    const info = await walk.fs.stat(real)
    if (info.isDirectory()) await walkDirectory(real, path, 0, walk)
    else await inspect(path, walk, real)
    return {path, status: 'ok', uid: info.uid, mode: octal(info.mode)}
  } catch (error) {
    const gap = noteUnreadable(walk, path, error)
    return gap ? {path, status: 'error', reason: gap.reason} : {path, status: 'missing'}
  }
}

/**
 * Finds model files by content (never by extension) under the given directories of an inspected
 * system: a root filesystem given by `root`, or this host. Paths inside the root are resolved
 * there, so no symlink of an image leads out of it. Missing directories are reported, not errors.
 * This one finder serves `llmsec inventory`, the audit's `models` fact and `llmsec init`.
 */
export async function findModelFiles(options: FindModelsOptions): Promise<ModelSection> {
  const root = options.root ?? '/'
  const walk: Walk = {
    fs: rootFsOf(root),
    section: {directories: [], files: [], unreadable: [], truncated: false},
    seen: new Set(),
    visited: 0,
    users: options.users ?? new Map(),
    now: Date.now(),
    onProgress: options.onProgress,
  }
  const absolute = (dir: string) => (root === '/' ? resolve(dir) : posix.resolve('/', dir))
  const directories = options.directories.flatMap((d) => expandHome(d, options.homes ?? [])).map(absolute)
  for (const dir of new Set(directories)) walk.section.directories.push(await searchDirectory(dir, walk))
  walk.section.files.sort((a, b) => a.path.localeCompare(b.path))
  return walk.section
}
