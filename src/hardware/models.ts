import {constants, type Dirent, type Stats} from 'node:fs'
import {open, readdir, stat} from 'node:fs/promises'
import {join, posix, resolve} from 'node:path'

import type {OnProgress} from '../core/progress.js'
import {expandHome, resolveInRoot, unreadable, type Unreadable} from '../core/root-path.js'
import {hasMagic} from '../crypto/index.js'
import {DETECT_HEAD_BYTES, detectModelFormat, type ModelFormat as ScanFormat} from '../scan/index.js'
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
  root: string
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

async function readFormat(hostPath: string, size: number): Promise<ScanFormat | 'llmsec-encrypted'> {
  // O_NOFOLLOW: the path was resolved inside the root; a link swapped in since is not followed.
  const handle = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  try {
    const head = Buffer.alloc(Math.min(DETECT_HEAD_BYTES, size))
    const {bytesRead} = await handle.read(head, 0, head.length, 0)
    return detectFormat(head.subarray(0, bytesRead), size)
  } finally {
    await handle.close()
  }
}

function modelFile(path: string, format: ModelFormat, info: Stats, walk: Walk): ModelFile {
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

/**
 * Inspects one file. `hostPath` is given for a regular file already resolved; otherwise the path is
 * resolved inside the root (a symlink is followed there: Hugging Face snapshots link to blobs).
 */
async function inspect(path: string, walk: Walk, resolved?: string): Promise<void> {
  let hostPath: string
  let info: Stats
  try {
    hostPath = resolved ?? (await resolveInRoot(walk.root, path))
    info = await stat(hostPath)
  } catch (error) {
    noteUnreadable(walk, path, error)
    return
  }
  if (!info.isFile() || info.size === 0) return
  const key = `${info.dev}:${info.ino}`
  if (walk.seen.has(key)) return
  walk.seen.add(key)
  let format: ScanFormat | 'llmsec-encrypted'
  try {
    format = await readFormat(hostPath, info.size)
  } catch (error) {
    noteUnreadable(walk, path, error)
    return
  }
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

async function listDirectory(hostDir: string, path: string, walk: Walk): Promise<Dirent[]> {
  try {
    return (await readdir(hostDir, {withFileTypes: true})).sort((a, b) => (a.name < b.name ? -1 : 1))
  } catch (error) {
    noteUnreadable(walk, path, error)
    return []
  }
}

/** Walks a directory whose host path is already resolved; directory symlinks are never followed. */
async function walkDirectory(hostDir: string, path: string, depth: number, walk: Walk): Promise<void> {
  if (depth > MAX_DEPTH) {
    walk.section.truncated = true
    return
  }
  for (const entry of await listDirectory(hostDir, path, walk)) {
    if (walk.visited++ >= MAX_ENTRIES) {
      walk.section.truncated = true
      return
    }
    const child = posix.join(path, entry.name)
    if (entry.isDirectory()) await walkDirectory(join(hostDir, entry.name), child, depth + 1, walk)
    else if (entry.isFile()) await inspect(child, walk, join(hostDir, entry.name))
    else if (entry.isSymbolicLink()) await inspect(child, walk)
    if (walk.visited % 200 === 0) walk.onProgress?.({phase: 'finding model files', done: walk.visited, unit: 'files'})
  }
}

async function searchDirectory(path: string, walk: Walk): Promise<ModelDirectory> {
  try {
    // Resolved inside the root, the path holds no link any more; on this host a linked directory is followed.
    const hostPath = await resolveInRoot(walk.root, path)
    const info = await stat(hostPath)
    if (info.isDirectory()) await walkDirectory(hostPath, path, 0, walk)
    else await inspect(path, walk, hostPath)
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
    root,
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
