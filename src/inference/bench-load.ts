import {arrivalOffsets} from './arrivals.js'
import {createRng} from './rng.js'

/** Issues request `index`; `queuedMs` is how long it waited for a concurrency slot. */
export type Issue<T> = (index: number, queuedMs: number) => Promise<T>

export interface LoadBounds {
  requests: number
  durationMs: number
}

/** How open-loop arrivals went: what was planned, the rate achieved, and how late each request left. */
export interface ArrivalRecord {
  scheduled: number
  /** Requests issued per second, from the first to the last issue. */
  realisedRatePerSec: number | null
  /** Issue time minus scheduled time, per request (timer and event-loop lateness). */
  latenessMs: number[]
}

/** Closed loop: `concurrency` clients, each sending its next request when the previous one ends. */
export async function runClosedLoop<T>(issue: Issue<T>, concurrency: number, bounds: LoadBounds): Promise<T[]> {
  const samples: T[] = []
  const deadline = performance.now() + bounds.durationMs
  let issued = 0
  const worker = async () => {
    while (issued < bounds.requests && performance.now() < deadline) samples.push(await issue(issued++, 0))
  }
  await Promise.all(Array.from({length: concurrency}, worker))
  return samples
}

/** A counting semaphore: at most `limit` holders; waiters are served in arrival order. */
function semaphore(limit: number): {acquire(): Promise<void>; release(): void} {
  let free = limit
  const waiting: (() => void)[] = []
  return {
    acquire: () => {
      if (free > 0) {
        free--
        return Promise.resolve()
      }
      return new Promise<void>((resolve) => waiting.push(resolve))
    },
    release: () => {
      const next = waiting.shift()
      if (next) next()
      else free++
    },
  }
}

export interface OpenLoopOptions extends LoadBounds {
  ratePerSec: number
  burstiness: number
  /** At most this many requests in flight; arrivals beyond it wait (client queue time). */
  maxConcurrency?: number
  seed: number
}

/**
 * Open loop: requests arrive at seeded gamma/Poisson times whether or not earlier ones finished,
 * each timer aimed at its absolute arrival time so delays do not accumulate.
 */
export async function runOpenLoop<T>(
  issue: Issue<T>,
  options: OpenLoopOptions,
): Promise<{samples: T[]; arrivals: ArrivalRecord}> {
  const offsets = arrivalOffsets(
    createRng(options.seed),
    options.ratePerSec,
    options.requests,
    options.durationMs,
    options.burstiness,
  )
  const slots = options.maxConcurrency ? semaphore(options.maxConcurrency) : null
  const latenessMs: number[] = []
  const issuedAt: number[] = []
  const start = performance.now()
  const pending = offsets.map(
    (offset, index) =>
      new Promise<T>((resolve, reject) => {
        const fire = async () => {
          const now = performance.now()
          issuedAt.push(now)
          latenessMs.push(now - (start + offset))
          if (slots) await slots.acquire()
          const queuedMs = performance.now() - now
          try {
            resolve(await issue(index, queuedMs))
          } catch (error) {
            reject(error)
          } finally {
            slots?.release()
          }
        }
        setTimeout(() => void fire(), Math.max(0, start + offset - performance.now()))
      }),
  )
  const samples = await Promise.all(pending)
  // Pushed in execution order, so the first and last are the earliest and latest.
  const span = issuedAt.length > 1 ? (issuedAt[issuedAt.length - 1] - issuedAt[0]) / 1000 : 0
  const realisedRatePerSec = span > 0 ? (issuedAt.length - 1) / span : null
  return {samples, arrivals: {scheduled: offsets.length, realisedRatePerSec, latenessMs}}
}
