import {lstat, open, readdir, stat} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

import {describeError} from '../core/errors.js'
import type {OnProgress} from '../core/progress.js'
import {DETECT_HEAD_BYTES, detectModelFormat, type ModelFormat} from '../scan/index.js'

export interface ModelFile {
  path: string
  format: Exclude<ModelFormat, 'unknown'>
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
}

export interface ModelSection {
  directories: ModelDirectory[]
  files: ModelFile[]
  /** True when the walk stopped at its file limit. */
  truncated: boolean
}

/** Where inference runtimes keep models by default. */
export function defaultModelDirectories(home = homedir()): string[] {
  return [
    join(home, '.ollama', 'models'),
    '/usr/share/ollama/.ollama/models',
    '/var/lib/ollama',
    join(home, '.cache', 'huggingface', 'hub'),
    '/models',
  ]
}

const MAX_FILES = 100_000
const MAX_DEPTH = 12
/** Files smaller than this cannot be a model of any supported format. */
const MIN_MODEL_BYTES = 8

async function detectFile(path: string, size: number): Promise<ModelFormat> {
  const handle = await open(path, 'r')
  try {
    const head = Buffer.alloc(Math.min(DETECT_HEAD_BYTES, size))
    const {bytesRead} = await handle.read(head, 0, head.length, 0)
    return detectModelFormat(head.subarray(0, bytesRead), size)
  } finally {
    await handle.close()
  }
}

interface WalkState {
  files: ModelFile[]
  seen: Set<string>
  visited: number
  users: Map<number, string>
  now: number
  onProgress?: OnProgress
}

async function inspect(path: string, state: WalkState): Promise<void> {
  // Follow file symlinks (Hugging Face snapshots link to blobs) but list each inode once.
  const info = await stat(path).catch(() => null)
  if (!info?.isFile() || info.size < MIN_MODEL_BYTES) return
  const key = `${info.dev}:${info.ino}`
  if (state.seen.has(key)) return
  state.seen.add(key)
  const format = await detectFile(path, info.size).catch(() => 'unknown' as const)
  if (format === 'unknown') return
  state.files.push({
    path,
    format,
    sizeBytes: info.size,
    uid: info.uid,
    owner: state.users.get(info.uid) ?? null,
    mode: `0${(info.mode & 0o777).toString(8).padStart(3, '0')}`,
    worldReadable: (info.mode & 0o004) !== 0,
    modifiedAt: info.mtime.toISOString(),
    accessedAt: info.atime.toISOString(),
    daysSinceAccess: Math.max(0, Math.floor((state.now - info.atimeMs) / 86_400_000)),
  })
}

async function walk(dir: string, depth: number, state: WalkState): Promise<void> {
  if (depth > MAX_DEPTH || state.visited >= MAX_FILES) return
  const entries = await readdir(dir, {withFileTypes: true}).catch(() => [])
  for (const entry of entries) {
    if (state.visited >= MAX_FILES) return
    const path = join(dir, entry.name)
    // Never follow directory symlinks: they can loop or leave the tree.
    if (entry.isDirectory()) await walk(path, depth + 1, state)
    else if (entry.isFile() || entry.isSymbolicLink()) {
      state.visited++
      await inspect(path, state)
      if (state.visited % 200 === 0)
        state.onProgress?.({phase: 'finding model files', done: state.visited, unit: 'files'})
    }
  }
}

/**
 * Walks model directories and lists the files whose content is a model format.
 * Missing directories are reported, not errors.
 */
export async function findModelFiles(
  directories: string[],
  options: {users?: Map<number, string>; onProgress?: OnProgress} = {},
): Promise<ModelSection> {
  const state: WalkState = {
    files: [],
    seen: new Set(),
    visited: 0,
    users: options.users ?? new Map(),
    now: Date.now(),
    onProgress: options.onProgress,
  }
  const result: ModelDirectory[] = []
  for (const dir of [...new Set(directories.map((d) => resolve(d)))]) {
    try {
      const info = await lstat(dir)
      if (info.isFile()) {
        await inspect(dir, state)
      } else {
        await walk(dir, 0, state)
      }
      result.push({path: dir, status: 'ok'})
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
      result.push(missing ? {path: dir, status: 'missing'} : {path: dir, status: 'error', reason: describeError(error)})
    }
  }
  state.files.sort((a, b) => a.path.localeCompare(b.path))
  return {directories: result, files: state.files, truncated: state.visited >= MAX_FILES}
}
