import {availableParallelism} from 'node:os'

import {coreError, LlmsecError} from '../../core/errors.js'
import {readFileBoundedSync, suggestedOutput} from '../../core/fs.js'
import {startThread} from '../../core/thread.js'
import {asAuditReport, MAX_RESULT_BYTES} from './fleet.js'
import {digestHost, type HostDigest} from './fleet-summary.js'
import type {AuditReport} from './report.types.js'

/** Reads one saved audit result (`llmsec audit --json` output); throws when it cannot be read or is not one. */
export function readAuditResult(file: string): {file: string; report: AuditReport} {
  const text = readFileBoundedSync(file, MAX_RESULT_BYTES).toString('utf8')
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw coreError(
      'INPUT_MALFORMED',
      `${file} is not JSON (${(error as Error).message}). Save one with llmsec audit --json --output ${suggestedOutput('audit.json', file)}.`,
    )
  }
  return {file, report: asAuditReport(data, file)}
}

/**
 * One result file read for a fleet: the sanitized result as UTF-8 JSON and its digest, or why it
 * was refused. Bytes, not a string: they move from a reading thread without a copy, and a fleet's
 * results held as bytes are outside the JavaScript heap, which the garbage collector then need
 * not walk nor move.
 */
export type HostRead = {file: string; json: Uint8Array; digest: HostDigest} | {file: string; refused: string}

const utf8 = new TextEncoder()

/** Reads, checks and digests one result file for a fleet (on a reading thread or the calling one). */
export function readHost(file: string): HostRead {
  try {
    const {report} = readAuditResult(file)
    return {file, json: utf8.encode(JSON.stringify(report)), digest: digestHost(report, file)}
  } catch (error) {
    if (error instanceof LlmsecError) return {file, refused: error.message}
    throw error
  }
}

/** Files per reading thread below which the calling thread reads them all: starting a thread costs more. */
const FILES_PER_THREAD = 16
/** Reading threads at most (each is an isolate of about 30 MB). */
const MAX_THREADS = 4
/** Files handed to each thread ahead, so that none waits for the next while one is merged. */
const AHEAD = 2

/** What a reading thread answers for one file: its read, or the unexpected error it hit. */
export type ReadAnswer = {index: number; read: HostRead} | {index: number; bug: string}

/**
 * Reads result files for a fleet and hands each to `take` in file order (refused ones too). With
 * more than one core and enough files, threads read, check and digest them in parallel (reading
 * is most of `llmsec report`'s time); the calling thread only merges, in order, whatever thread
 * read a file, so the fleet is the same either way. `threads` (below 2: none) is for tests.
 */
export async function readHosts(
  files: string[],
  take: (read: HostRead) => void,
  threads = Math.min(MAX_THREADS, availableParallelism(), Math.floor(files.length / FILES_PER_THREAD)),
): Promise<void> {
  if (threads < 2) {
    for (const file of files) take(readHost(file))
    return
  }
  const workers = Array.from({length: threads}, () => startThread(import.meta.url, 'read-worker'))
  try {
    await new Promise<void>((resolve, reject) => {
      const waiting = new Map<number, HostRead>()
      let sent = 0
      let next = 0
      const send = (worker: (typeof workers)[number]) => {
        if (sent < files.length) worker.postMessage({index: sent, file: files[sent++]})
      }
      const answer = (worker: (typeof workers)[number], message: ReadAnswer) => {
        if ('bug' in message) throw new Error(`reading ${files[message.index]}: ${message.bug}`)
        waiting.set(message.index, message.read)
        let read = waiting.get(next)
        while (read !== undefined) {
          waiting.delete(next)
          take(read)
          read = waiting.get(++next)
        }
        if (next === files.length) resolve()
        else send(worker)
      }
      for (const worker of workers) {
        worker.on('message', (message: ReadAnswer) => {
          try {
            answer(worker, message)
          } catch (error) {
            reject(error)
          }
        })
        worker.on('error', reject)
        worker.on('exit', (code) => {
          if (next < files.length) reject(new Error(`a reading thread ended (exit ${code}) before every file was read`))
        })
        for (let i = 0; i < AHEAD; i++) send(worker)
      }
    })
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}
