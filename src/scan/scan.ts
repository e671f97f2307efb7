import {stat} from 'node:fs/promises'
import {availableParallelism} from 'node:os'

import {fsError} from '../core/errors.js'
import {globToRegExp} from '../core/glob.js'
import {noProgress, type OnProgress} from '../core/progress.js'
import {scanBytes, scanFile, unreadableReport} from './scan-file.js'
import {scanInPool, type PoolJob} from './scan-pool.js'
import type {FileReport, ScanResult} from './scan.types.js'
import {countAllowances, summarise} from './verdict.js'
import {listFiles} from './walk.js'
import {append} from '../core/arrays.js'

export {scanBuffer, scanFile, scanSource, type FileScanOptions} from './scan-file.js'

/** Default per-file budget: a file whose analysis takes longer is `unknown`. */
export const DEFAULT_FILE_TIMEOUT_MS = 10_000

export interface ScanOptions {
  /** Globs of files or directories to skip while walking directories (matched on relative path or basename). */
  exclude?: string[]
  /** Extra "module.name" globals an organisation allows (--allow-global, scan.allowGlobals). */
  allowGlobals?: string[]
  /** Per-file time budget in milliseconds (default 10 s). */
  fileTimeoutMs?: number
  /**
   * Scan each file on a worker thread with the time budget (default). false scans in this thread,
   * without a deadline (for callers that already isolate, and for tests).
   */
  isolate?: boolean
  /** Worker threads (default: the cores, at most 4). */
  concurrency?: number
  onProgress?: OnProgress
  /** Aborting stops the scan: files not finished are `unknown` (SCAN_CANCELLED). */
  signal?: AbortSignal
}

interface Expanded {
  jobs: PoolJob[]
  /** Paths named on the command line that are neither files nor directories. */
  rejected: FileReport[]
}

async function expandPaths(paths: string[], exclude: RegExp[]): Promise<Expanded> {
  const jobs: PoolJob[] = []
  const rejected: FileReport[] = []
  for (const path of paths) {
    let info
    try {
      info = await stat(path)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EACCES' || code === 'EPERM' || code === 'EIO') {
        rejected.push(unreadableReport(path, error))
        continue
      }
      throw fsError(error, path)
    }
    if (info.isDirectory())
      append(
        jobs,
        (await listFiles(path, exclude)).map((file) => ({path: file, explicit: false})),
      )
    else if (info.isFile()) jobs.push({path, explicit: true})
    else rejected.push(unreadableReport(path, Object.assign(new Error('not a file'), {code: 'EFTYPE'})))
  }
  return {jobs, rejected}
}

/** Scans the jobs (each its own result, in order) on the pool, or in this thread with `isolate: false`. */
export async function scanJobs(jobs: PoolJob[], options: ScanOptions, onProgress: OnProgress): Promise<FileReport[]> {
  const allowGlobals = options.allowGlobals ?? []
  let finished = 0
  const tick = () => onProgress({phase: 'scanning', done: ++finished, total: jobs.length, unit: 'files'})
  if (options.isolate === false)
    return jobs.map((job) => {
      tick()
      const fileOptions = {allowGlobals, explicit: job.explicit}
      return job.bytes ? scanBytes(job.bytes, job.path, fileOptions) : scanFile(job.path, fileOptions)
    })
  return scanInPool(jobs, {
    allowGlobals,
    fileTimeoutMs: options.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS,
    concurrency: options.concurrency ?? Math.min(4, availableParallelism()),
    onDone: tick,
    signal: options.signal,
  })
}

/**
 * Scans files and directories (recursively) for code a loader would run and for headers a loader
 * would choke on, statically: nothing is loaded, imported or executed. Every file gets its own
 * result, whatever happens to the others. A path that does not exist or a directory that cannot
 * be listed throws an LlmsecError (exit 2); a file that cannot be read is an `unknown` result.
 */
export async function scanPaths(paths: string[], options: ScanOptions = {}): Promise<ScanResult> {
  const started = performance.now()
  const onProgress = options.onProgress ?? noProgress
  const {jobs, rejected} = await expandPaths(paths, (options.exclude ?? []).map(globToRegExp))
  onProgress({phase: 'scanning', done: 0, total: jobs.length, unit: 'files'})
  const files = [...rejected, ...(await scanJobs(jobs, options, onProgress))]
  return {
    files,
    allowances: countAllowances(options.allowGlobals ?? [], files),
    summary: summarise(files, Math.round(performance.now() - started)),
  }
}
