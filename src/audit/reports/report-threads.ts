import {availableParallelism} from 'node:os'

import {startThread} from '../../core/thread.js'

/** The formats whose fleet reports are a host's piece after another (host-pieces.ts). */
export const PIECE_FORMATS = ['json', 'sarif', 'junit'] as const
export type PieceFormat = (typeof PIECE_FORMATS)[number]

/** A job for a report thread (report-worker.ts): read one result file, or render one host's piece. */
export type ReportJob =
  {read: string} | {piece: PieceFormat; host: string; file: string; json: Uint8Array; sarifCategory?: string}

/** What a report thread answers for one job: its value, or the unexpected error it hit. */
export type ReportAnswer = {index: number; value: unknown} | {index: number; bug: string}

/** Jobs per thread below which the calling thread does them all: starting a thread costs more. */
const JOBS_PER_THREAD = 16
/** Report threads at most (each is an isolate of about 30 MB). */
const MAX_THREADS = 4

/** Report threads for some jobs: one per core, at most four, none (below 2) for a few jobs or one core. */
export function threadsFor(jobs: number): number {
  const threads = Math.min(MAX_THREADS, availableParallelism(), Math.floor(jobs / JOBS_PER_THREAD))
  return threads < 2 ? 0 : threads
}

/** Jobs handed to each thread ahead of those consumed, so that no thread waits while one answer is used. */
const AHEAD = 4

interface Slot {
  promise: Promise<unknown>
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

function slot(failure: Error | undefined): Slot {
  const s = {} as Slot
  s.promise = new Promise((resolve, reject) => Object.assign(s, {resolve, reject}))
  // Seen by the consumer when it reaches this job; not an unhandled rejection meanwhile.
  s.promise.catch(() => undefined)
  if (failure) s.reject(failure)
  return s
}

/**
 * Runs jobs on `threads` report threads and yields their answers in job order. A thread gets a
 * new job only when one of its answers is consumed, so at most threads × AHEAD answers wait in
 * memory however slow the consumer is. An unexpected error on a thread (or a thread that ends)
 * is thrown here; the threads end when the consumer stops.
 */
export async function* inOrderOnThreads(jobs: ReportJob[], threads: number): AsyncGenerator<unknown> {
  const workers = Array.from({length: threads}, () => startThread(import.meta.url, 'report-worker'))
  const slots = new Map<number, Slot>()
  const owners: (typeof workers)[number][] = []
  let sent = 0
  let failure: Error | undefined
  const send = (worker: (typeof workers)[number]) => {
    if (sent >= jobs.length) return
    const job = jobs[sent]
    slots.set(sent, slot(failure))
    owners[sent] = worker
    worker.postMessage({index: sent++, job})
  }
  const failAll = (error: Error) => {
    failure ??= error
    for (const s of slots.values()) s.reject(error)
  }
  for (const worker of workers) {
    worker.on('message', (answer: ReportAnswer) => {
      const s = slots.get(answer.index)
      if ('bug' in answer) s?.reject(new Error(`a report thread failed: ${answer.bug}`))
      else s?.resolve(answer.value)
    })
    worker.on('error', failAll)
    worker.on('exit', (code) => failAll(new Error(`a report thread ended (exit ${code}) before its jobs were done`)))
    for (let i = 0; i < AHEAD; i++) send(worker)
  }
  try {
    for (let index = 0; index < jobs.length; index++) {
      const value = await slots.get(index)!.promise
      slots.delete(index)
      yield value
      send(owners[index])
      delete owners[index]
    }
  } finally {
    for (const worker of workers) worker.removeAllListeners('exit')
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}
