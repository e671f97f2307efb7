import {createRequire} from 'node:module'
import {availableParallelism} from 'node:os'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import {
  ChunkAuthError,
  type ChunkJob,
  type ChunkShared,
  bytesDone,
  createControl,
  minorCollector,
  processNextSegment,
  processSegments,
  requestStop,
  segmentCount,
  segmentIo,
} from './chunk-range.js'
import {keepFreedMemory} from './heap-tuning.js'
import {createWriteLock} from './write-lock.js'

/** Below this many bytes a file is processed on the calling thread alone: starting workers costs more. */
export const INLINE_LIMIT = 8 * 1024 * 1024
const SEGMENT_BYTES = 16 * 1024 * 1024
/**
 * Threads by default, the calling thread included: one per core, at most three. Each worker costs
 * about 40 MB of memory (isolate, buffers, cipher outputs awaiting GC) over the ~75 MB of the CLI,
 * so this keeps a run under 200 MB on any machine; --workers raises it.
 */
const DEFAULT_MAX_THREADS = 3

export interface RunOptions {
  /**
   * Worker threads besides the calling thread, which always takes segments too (default: one
   * thread per core in all, at most three); 0 processes on the calling thread alone.
   */
  workers?: number
  /** Collect a SHA-256 per segment of the plaintext (used to verify before deleting plaintext). */
  digests?: boolean
  /** Called with the number of plaintext bytes done, at most every 100 ms. */
  onBytes?: (done: number) => void
}

/** Chunks per segment for a chunk size: segments are about 16 MiB. */
export function segmentChunksFor(chunkSize: number): number {
  return Math.max(1, Math.floor(SEGMENT_BYTES / chunkSize))
}

/** How to start the chunk worker: a script path, or code for an eval worker. */
export interface WorkerEntry {
  script: string
  eval: boolean
}

/**
 * The worker script sits next to this module: .js in dist/, .ts under vitest or tsx. Node 20
 * does not apply `--import tsx` hooks to a worker's entry file, so a .ts worker starts as a
 * tiny eval script that loads the TypeScript file through tsx's tsImport.
 */
export function resolveWorkerEntry(moduleUrl: string = import.meta.url): WorkerEntry {
  if (!moduleUrl.endsWith('.ts')) return {script: fileURLToPath(new URL('./chunk-worker.js', moduleUrl)), eval: false}
  const worker = JSON.stringify(new URL('./chunk-worker.ts', moduleUrl).href)
  const tsx = JSON.stringify(createRequire(moduleUrl).resolve('tsx/esm/api'))
  return {script: `require(${tsx}).tsImport(${worker}, ${worker}).catch((error) => { throw error })`, eval: true}
}

/**
 * Runs a chunk job over the whole file: worker threads and the calling thread claim segments and
 * each reads and writes its own fixed offsets. Resolves with the per-segment digests (when
 * asked); rejects with ChunkAuthError when a chunk does not authenticate.
 */
export async function runChunkJob(job: ChunkJob, options: RunOptions = {}): Promise<Buffer | undefined> {
  const segments = segmentCount(job)
  const bytes = job.plaintextLength
  const threads = bytes < INLINE_LIMIT ? 1 : Math.min(availableParallelism(), DEFAULT_MAX_THREADS)
  const workers = Math.min(options.workers ?? threads - 1, segments - 1)
  const shared: ChunkShared = {
    control: createControl(),
    digests: options.digests ? new SharedArrayBuffer(segments * 32) : undefined,
    writeLock: workers > 0 && job.outputFd !== undefined ? createWriteLock() : undefined,
  }
  if (bytes >= INLINE_LIMIT) keepFreedMemory()
  const timer = options.onBytes ? setInterval(() => options.onBytes?.(bytesDone(shared.control)), 100) : undefined
  try {
    if (workers <= 0) processSegments(job, shared)
    else await runWithWorkers(job, shared, workers)
  } finally {
    if (timer) clearInterval(timer)
  }
  options.onBytes?.(bytesDone(shared.control))
  return shared.digests ? Buffer.from(shared.digests) : undefined
}

/**
 * Starts the workers, then takes segments on this thread too, one at a time with a turn of the
 * event loop between them (progress and the workers' messages keep flowing). A failure on either
 * side stops the other; the first authentication failure is what is thrown.
 */
async function runWithWorkers(job: ChunkJob, shared: ChunkShared, count: number): Promise<void> {
  const entry = resolveWorkerEntry()
  const pool = Promise.all(Array.from({length: count}, () => runOneWorker(entry, job, shared)))
  // Observed now: a worker that cannot start must not be an unhandled rejection meanwhile.
  pool.catch(() => requestStop(shared.control))
  let callerError: unknown
  try {
    const io = segmentIo(job, shared)
    const own = {...job, collect: minorCollector()}
    while (processNextSegment(own, shared, io)) await new Promise((resolve) => setImmediate(resolve))
  } catch (error) {
    requestStop(shared.control)
    callerError = error
  }
  const results = await pool
  if (callerError instanceof ChunkAuthError) throw callerError
  const failed = results.find((r) => !r.ok)
  if (failed?.chunk !== undefined) throw new ChunkAuthError(failed.chunk)
  if (callerError !== undefined) throw callerError
  if (failed) throw new Error(failed.message ?? 'a worker thread failed')
}

interface WorkerResult {
  ok: boolean
  chunk?: number
  message?: string
}

function runOneWorker(entry: WorkerEntry, job: ChunkJob, shared: ChunkShared) {
  return new Promise<WorkerResult>((resolve) => {
    let result: WorkerResult | undefined
    const worker = new Worker(entry.script, {workerData: {job, shared}, eval: entry.eval})
    worker.on('message', (message: WorkerResult) => {
      result = message
    })
    worker.on('error', (error) => {
      requestStop(shared.control)
      result = {ok: false, message: error.message}
    })
    worker.on('exit', (code) => {
      if (!result && code !== 0) requestStop(shared.control)
      resolve(result ?? {ok: code === 0, message: `a worker thread exited with code ${code}`})
    })
  })
}
