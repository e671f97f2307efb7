import type {Worker} from 'node:worker_threads'

import {formatDuration} from '../core/duration.js'
import type {FileBytes} from '../core/root-fs.js'
import {makeFinding} from './codes.js'
import {fileReport} from './scan-file.js'
import type {FileReport} from './scan.types.js'
import {startThread} from '../core/thread.js'

export interface ScanRequest {
  id: number
  path: string
  explicit: boolean
  allowGlobals: string[]
  bytes?: FileBytes
}

export type ScanResponse = {id: number; report: FileReport} | {ready: true}

export interface PoolJob {
  /** A file on this machine, or (with `bytes`) the path inside the inspected system the report names. */
  path: string
  explicit: boolean
  /** Where the bytes are when the file is not on this machine (a member of an image). */
  bytes?: FileBytes
}

export interface PoolOptions {
  allowGlobals: string[]
  /** Per-file budget in milliseconds: past it the file is `unknown` and its thread is replaced. */
  fileTimeoutMs: number
  concurrency: number
  onDone?: (index: number) => void
  /** Stops the scan: the threads are terminated and every file not finished is `unknown` (SCAN_CANCELLED). */
  signal?: AbortSignal
}

/** Old-space heap of one scan thread: a file that needs more is `unknown`, never the end of the run. */
const WORKER_HEAP_MB = 192

const createScanWorker = () => startThread(import.meta.url, 'scan-worker', {maxOldGenerationSizeMb: WORKER_HEAP_MB})

const failedReport = (path: string, code: 'SCAN_TIMEOUT' | 'SCAN_WORKER_FAILED' | 'SCAN_CANCELLED', message: string) =>
  fileReport(path, 0, 'unknown', [makeFinding(code, message)])

interface Slot {
  worker: Worker
  busy: number | null
  timer: NodeJS.Timeout | null
}

/**
 * Scans files on worker threads, one file per thread at a time, each with a deadline. A thread that
 * passes its deadline, runs out of memory or dies is terminated and replaced; its file gets an
 * `unknown` report saying why, and every other file still gets its own result.
 */
export async function scanInPool(jobs: PoolJob[], options: PoolOptions): Promise<FileReport[]> {
  const reports: FileReport[] = new Array(jobs.length)
  if (jobs.length === 0) return reports
  let next = 0
  let done = 0
  const slots: Slot[] = []
  let cancel = () => {}
  await new Promise<void>((resolveAll) => {
    /** A replaced thread takes its next file once it reports ready. */
    const finish = (slot: Slot, id: number, report: FileReport, ready = true) => {
      if (slot.timer) clearTimeout(slot.timer)
      slot.timer = null
      slot.busy = null
      reports[id] = report
      options.onDone?.(id)
      if (++done === jobs.length) resolveAll()
      else if (ready) dispatch(slot)
    }
    const replace = (slot: Slot, id: number, report: FileReport) => {
      slot.worker.removeAllListeners()
      void slot.worker.terminate()
      slot.worker = createScanWorker()
      attach(slot)
      finish(slot, id, report, false)
    }
    const attach = (slot: Slot) => {
      slot.worker.on('message', (message: ScanResponse) => {
        if ('ready' in message) dispatch(slot)
        else if (slot.busy === message.id) finish(slot, message.id, message.report)
      })
      const fail = (why: string) => {
        const id = slot.busy ?? -1
        if (id < 0) {
          slot.worker.removeAllListeners()
          slot.worker = createScanWorker()
          return attach(slot)
        }
        replace(
          slot,
          id,
          failedReport(
            jobs[id].path,
            'SCAN_WORKER_FAILED',
            `the scan thread failed on this file (${why}); it was not analysed`,
          ),
        )
      }
      slot.worker.on('error', (error) => fail(error.message.split('\n')[0]))
      slot.worker.on('exit', (code) => fail(`exit code ${code}`))
    }
    const dispatch = (slot: Slot) => {
      if (next >= jobs.length || slot.busy !== null) return
      const id = next++
      slot.busy = id
      slot.timer = setTimeout(() => {
        const message = `analysis took longer than ${formatDuration(options.fileTimeoutMs)} (--file-timeout); not finished`
        replace(slot, id, failedReport(jobs[id].path, 'SCAN_TIMEOUT', message))
      }, options.fileTimeoutMs)
      const request: ScanRequest = {
        id,
        path: jobs[id].path,
        explicit: jobs[id].explicit,
        allowGlobals: options.allowGlobals,
        bytes: jobs[id].bytes,
      }
      slot.worker.postMessage(request)
    }
    cancel = () => {
      for (const slot of slots) {
        if (slot.timer) clearTimeout(slot.timer)
        slot.worker.removeAllListeners()
        void slot.worker.terminate()
      }
      for (let id = 0; id < jobs.length; id++)
        reports[id] ??= failedReport(
          jobs[id].path,
          'SCAN_CANCELLED',
          'the scan was cancelled before this file was analysed',
        )
      resolveAll()
    }
    if (options.signal?.aborted) return cancel()
    options.signal?.addEventListener('abort', cancel, {once: true})
    const count = Math.max(1, Math.min(options.concurrency, jobs.length))
    for (let i = 0; i < count; i++) {
      const slot: Slot = {worker: createScanWorker(), busy: null, timer: null}
      attach(slot)
      slots.push(slot)
    }
  })
  options.signal?.removeEventListener('abort', cancel)
  await Promise.all(
    slots.map((slot) => {
      slot.worker.removeAllListeners()
      return slot.worker.terminate()
    }),
  )
  return reports
}
