import {parentPort} from 'node:worker_threads'

import {hostPiece} from './host-pieces.js'
import {readHost} from './read-hosts.js'
import type {ReportAnswer, ReportJob} from './report-threads.js'

/** What one job gives, and the buffers that move to the calling thread without a copy. */
function run(job: ReportJob): {value: unknown; transfer: ArrayBuffer[]} {
  if ('read' in job) {
    const read = readHost(job.read)
    return {value: read, transfer: 'json' in read ? [read.json.buffer as ArrayBuffer] : []}
  }
  const piece = hostPiece(job)
  return {value: piece, transfer: piece.map((bytes) => bytes.buffer as ArrayBuffer)}
}

/** Report thread entry (report-threads.ts): runs each job it is sent and answers with its index. */
parentPort?.on('message', ({index, job}: {index: number; job: ReportJob}) => {
  let answer: ReportAnswer
  let transfer: ArrayBuffer[] = []
  try {
    const done = run(job)
    answer = {index, value: done.value}
    transfer = done.transfer
  } catch (error) {
    answer = {index, bug: error instanceof Error ? (error.stack ?? error.message) : String(error)}
  }
  parentPort?.postMessage(answer, transfer)
})
