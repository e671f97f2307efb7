import {coreError} from '../core/errors.js'
import {globToRegExp} from '../core/glob.js'
import {noProgress} from '../core/progress.js'
import {rootFsOf, type FileBytes, type RootFs} from '../core/root-fs.js'
import {posix} from 'node:path'

import {scanJobs, type ScanOptions} from './scan.js'
import type {PoolJob} from './scan-pool.js'
import {unreadableReport} from './scan-file.js'
import type {FileReport, ScanResult} from './scan.types.js'
import {countAllowances, summarise} from './verdict.js'
import {isExcluded} from './walk.js'

/** Most bytes of one file held in memory to scan it (a file of a compressed layer whose head alone was kept). */
export const MAX_FILE_MEMORY_BYTES = 64 * 1024 * 1024
/** Bytes held in memory by one batch of jobs: past it the batch is scanned before more are read. */
const BATCH_MEMORY_BYTES = 128 * 1024 * 1024
/** Most files one directory walk inside a root lists. */
const MAX_WALK_FILES = 1_000_000

export interface RootScanOptions extends ScanOptions {
  /**
   * Takes each file that could not be located or read (an absent path, a compressed member too
   * large to hold): the caller records it. Without it such a file is an `unknown` report, and a
   * named path that does not exist is INPUT_NOT_FOUND (exit 2).
   */
  onUnreadable?: (path: string, error: NodeJS.ErrnoException) => void
}

interface Named {
  path: string
  explicit: boolean
}

/** Regular files under a directory of a root, sorted; linked directories are not entered (no loops). */
async function listRootFiles(fs: RootFs, dir: string, exclude: RegExp[]): Promise<string[]> {
  const files: string[] = []
  const pending = [dir]
  while (pending.length > 0 && files.length < MAX_WALK_FILES) {
    const at = pending.pop()!
    for (const entry of await fs.readdir(at)) {
      const path = posix.join(at, entry.name)
      if (isExcluded(posix.relative(dir, path), exclude)) continue
      if (entry.isDirectory()) pending.push(path)
      else if (entry.isFile()) files.push(path)
      else if (entry.isSymbolicLink() && (await fs.stat(path).catch(() => null))?.isFile()) files.push(path)
    }
  }
  return files.sort()
}

async function expandRootPaths(
  fs: RootFs,
  paths: string[],
  exclude: RegExp[],
  refuse: (path: string, error: NodeJS.ErrnoException) => void,
): Promise<Named[]> {
  const named: Named[] = []
  for (const path of paths.map((p) => posix.normalize(`/${p}`))) {
    const info = await fs.stat(path).catch((error: NodeJS.ErrnoException) => (refuse(path, error), null))
    if (!info) continue
    if (info.isDirectory())
      for (const file of await listRootFiles(fs, path, exclude)) named.push({path: file, explicit: false})
    else named.push({path, explicit: true})
  }
  return named
}

/** A job for one file: its bytes where the root holds them (an image), else its path on this machine. */
async function jobOf(fs: RootFs, file: Named): Promise<PoolJob> {
  if (fs.locate) return {...file, bytes: await fs.locate(file.path, MAX_FILE_MEMORY_BYTES)}
  return {path: await fs.hostPath(file.path), explicit: file.explicit}
}

const heldBytes = (bytes: FileBytes | undefined) => (bytes && 'data' in bytes ? bytes.data.byteLength : 0)

/**
 * Scans files of an inspected system by their paths inside it: a `--root` directory, or an
 * `--image` virtual root whose members are read in place from the image file (compressed
 * layers' members held in memory, at most MAX_FILE_MEMORY_BYTES each and BATCH_MEMORY_BYTES
 * at once). Nothing is extracted. Directories are walked inside the root; reports name the
 * paths inside it.
 */
export async function scanInRoot(root: string, paths: string[], options: RootScanOptions = {}): Promise<ScanResult> {
  const started = performance.now()
  const fs = rootFsOf(root)
  const onProgress = options.onProgress ?? noProgress
  const files: FileReport[] = []
  const refuse = (path: string, error: NodeJS.ErrnoException) => {
    if (options.onUnreadable) options.onUnreadable(path, error)
    else if (error.code === 'ENOENT' || error.code === 'ENOTDIR')
      throw coreError('INPUT_NOT_FOUND', `${path} is not in ${root.split('/').pop()}.`)
    else files.push(unreadableReport(path, error))
  }
  const named = await expandRootPaths(fs, paths, (options.exclude ?? []).map(globToRegExp), refuse)
  let done = 0
  const progress = () => onProgress({phase: 'scanning', done: ++done, total: named.length, unit: 'files'})
  let batch: PoolJob[] = []
  let names: string[] = []
  let held = 0
  const flush = async () => {
    const reports = await scanJobs(batch, options, progress)
    // A directory root's jobs name files on this machine: reports name them inside the root.
    for (const [i, report] of reports.entries()) files.push({...report, path: names[i]})
    batch = []
    names = []
    held = 0
  }
  for (const file of named) {
    const job = await jobOf(fs, file).catch((error: NodeJS.ErrnoException) => (refuse(file.path, error), null))
    if (!job) continue
    if (held + heldBytes(job.bytes) > BATCH_MEMORY_BYTES && batch.length > 0) await flush()
    batch.push(job)
    names.push(file.path)
    held += heldBytes(job.bytes)
  }
  await flush()
  return {
    files,
    allowances: countAllowances(options.allowGlobals ?? [], files),
    summary: summarise(files, Math.round(performance.now() - started)),
  }
}
