import {availableParallelism} from 'node:os'
import {Worker} from 'node:worker_threads'

import {fsError, LlmsecError} from '../core/errors.js'
import type {HashRequest, HashResponse} from './hash-protocol.js'
import {CHUNK_BYTES, hashRange, hashRangeSync} from './hash-range.js'

export interface HashJob {
  path: string
  /** Expected size in bytes, used to hash the largest jobs first. */
  size: number
  start?: number
  end?: number
}

export interface HashJobResult {
  digest: string
  bytes: number
}

export interface HashPoolOptions {
  /** node:crypto algorithm name (sha256, blake2b512). */
  algorithm: string
  /** Worker threads (default: one per core). */
  concurrency?: number
  /** Called with the bytes hashed since the previous call. */
  onBytes?: (delta: number) => void
  /**
   * Jobs totalling at most this many bytes are hashed on the calling thread: starting
   * workers costs more than hashing a few megabytes (default 32 MiB).
   */
  inlineBelowBytes?: number
  /**
   * Nobody watches progress (no spinner to keep turning): a single job is then hashed on the
   * calling thread with blocking reads, which saves starting a worker (about 30 ms).
   */
  unwatched?: boolean
}

const INLINE_BELOW_BYTES = 32 * 1024 * 1024

async function hashInline(jobs: HashJob[], options: HashPoolOptions, blocking = false): Promise<HashJobResult[]> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  const results: HashJobResult[] = []
  const onBytes = (delta: number) => options.onBytes?.(delta)
  for (const job of jobs) {
    try {
      const request = {path: job.path, algorithm: options.algorithm, start: job.start ?? 0, end: job.end}
      results.push(blocking ? hashRangeSync(request, buffer, onBytes) : await hashRange(request, buffer, onBytes))
    } catch (error) {
      throw fsError(error, job.path)
    }
  }
  return results
}

/**
 * Where the worker body lives. From dist/ it is the compiled .js beside this module.
 * Under vitest or bin/dev.js this module is TypeScript: the worker then registers tsx's
 * loader first and imports the .ts (an --import flag in execArgv is not applied to the
 * worker's entry module on Node 20).
 */
function createHashWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./hash-worker.js', import.meta.url))
  const source = JSON.stringify(new URL('./hash-worker.ts', import.meta.url).href)
  const boot = `import('tsx/esm/api').then(({register}) => { register(); return import(${source}) })`
  return new Worker(boot, {eval: true})
}

function toError(response: Extract<HashResponse, {type: 'error'}>, path: string): LlmsecError {
  return fsError(Object.assign(new Error(response.message), {code: response.code}), path)
}

/**
 * Hashes files (or byte ranges of them) on worker threads, largest first, one job per
 * worker at a time (small totals are hashed inline). Each worker reads through one fixed buffer, so memory is bounded
 * by the number of workers, not by file sizes.
 */
export async function hashJobs(jobs: HashJob[], options: HashPoolOptions): Promise<HashJobResult[]> {
  if (jobs.length === 0) return []
  const total = jobs.reduce((sum, job) => sum + job.size, 0)
  if (total <= (options.inlineBelowBytes ?? INLINE_BELOW_BYTES)) return hashInline(jobs, options)
  if (jobs.length === 1 && options.unwatched) return hashInline(jobs, options, true)
  const results: HashJobResult[] = new Array(jobs.length)
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b].size - jobs[a].size)
  const count = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), jobs.length))
  const workers: Worker[] = []
  try {
    await new Promise<void>((resolvePool, rejectPool) => {
      let next = 0
      let finished = 0
      const dispatch = (worker: Worker) => {
        if (next >= order.length) return
        const id = order[next++]
        const job = jobs[id]
        const request: HashRequest = {id, path: job.path, algorithm: options.algorithm, start: job.start ?? 0}
        if (job.end !== undefined) request.end = job.end
        worker.postMessage(request)
      }
      for (let i = 0; i < count; i++) {
        const worker = createHashWorker()
        workers.push(worker)
        worker.on('message', (message: HashResponse) => {
          if (message.type === 'progress') options.onBytes?.(message.bytes)
          else if (message.type === 'error') rejectPool(toError(message, jobs[message.id].path))
          else {
            results[message.id] = {digest: message.digest, bytes: message.bytes}
            if (++finished === jobs.length) resolvePool()
            else dispatch(worker)
          }
        })
        worker.on('error', rejectPool)
        worker.on('exit', (code) => {
          if (finished < jobs.length) rejectPool(new Error(`hash worker exited early with code ${code}`))
        })
        dispatch(worker)
      }
    })
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
  return results
}
