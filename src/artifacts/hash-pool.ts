import {availableParallelism} from 'node:os'
import {Worker} from 'node:worker_threads'

import {fsError, LlmsecError} from '../core/errors.js'
import {startThread} from '../core/thread.js'
import type {HashRequest, HashResponse} from './hash-protocol.js'
import {CHUNK_BYTES, hashRange} from './hash-range.js'

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
  /** Jobs hashed at once: the calling thread plus worker threads (default: one per core). */
  concurrency?: number
  /** Called with the bytes hashed since the previous call. */
  onBytes?: (delta: number) => void
  /**
   * Jobs totalling at most this many bytes are hashed on the calling thread alone: starting
   * workers costs more than hashing a few megabytes (default 32 MiB).
   */
  inlineBelowBytes?: number
}

const INLINE_BELOW_BYTES = 32 * 1024 * 1024

/** Two read buffers for the calling thread's overlapped reads (hash-range.ts). */
function readBuffers(): [Buffer, Buffer] {
  return [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)]
}

async function hashOnCaller(
  job: HashJob,
  buffers: readonly [Buffer, Buffer],
  options: HashPoolOptions,
  stopped: () => boolean,
) {
  try {
    const request = {path: job.path, algorithm: options.algorithm, start: job.start ?? 0, end: job.end}
    return await hashRange(request, buffers, (delta) => options.onBytes?.(delta), stopped)
  } catch (error) {
    throw fsError(error, job.path)
  }
}

function toError(response: Extract<HashResponse, {type: 'error'}>, path: string): LlmsecError {
  return fsError(Object.assign(new Error(response.message), {code: response.code}), path)
}

/**
 * Hashes files (or byte ranges of them), largest first, one job per thread at a time: the
 * calling thread takes jobs too (its reads overlap its hashing, so one job needs no worker) and
 * `concurrency - 1` worker threads take the rest. Small totals are hashed on the calling thread
 * alone. Every thread reads through fixed buffers, so memory is bounded by the number of
 * threads, not by file sizes.
 */
export async function hashJobs(jobs: HashJob[], options: HashPoolOptions): Promise<HashJobResult[]> {
  if (jobs.length === 0) return []
  const results: HashJobResult[] = new Array(jobs.length)
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b].size - jobs[a].size)
  const total = jobs.reduce((sum, job) => sum + job.size, 0)
  const wanted = total <= (options.inlineBelowBytes ?? INLINE_BELOW_BYTES) ? 1 : options.concurrency
  const count = Math.max(1, Math.min(wanted ?? availableParallelism(), jobs.length))
  let next = 0
  const workers: Worker[] = []
  let failed = false
  try {
    const pooled = new Promise<void>((resolvePool, rejectPool) => {
      let running = count - 1
      if (running === 0) resolvePool()
      const fail = (error: unknown) => {
        failed = true
        rejectPool(error)
      }
      const dispatch = (worker: Worker) => {
        if (next >= order.length) {
          if (--running === 0) resolvePool()
          return
        }
        const id = order[next++]
        const job = jobs[id]
        const request: HashRequest = {id, path: job.path, algorithm: options.algorithm, start: job.start ?? 0}
        if (job.end !== undefined) request.end = job.end
        worker.postMessage(request)
      }
      for (let i = 1; i < count; i++) {
        const worker = startThread(import.meta.url, 'hash-worker')
        workers.push(worker)
        let done = false
        worker.on('message', (message: HashResponse) => {
          if (message.type === 'progress') options.onBytes?.(message.bytes)
          else if (message.type === 'error') fail(toError(message, jobs[message.id].path))
          else {
            results[message.id] = {digest: message.digest, bytes: message.bytes}
            dispatch(worker)
            done = next >= order.length
          }
        })
        worker.on('error', fail)
        worker.on('exit', (code) => {
          if (!done) fail(new Error(`hash worker exited early with code ${code}`))
        })
        dispatch(worker)
      }
    })
    // Observed at once, so that a worker's failure is not an unhandled rejection meanwhile.
    pooled.catch(() => undefined)
    const buffers = readBuffers()
    while (next < order.length && !failed) {
      const id = order[next++]
      results[id] = await hashOnCaller(jobs[id], buffers, options, () => failed)
    }
    await pooled
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
  return results
}
