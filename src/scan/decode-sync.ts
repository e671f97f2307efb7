import {MessageChannel, receiveMessageOnPort, type Worker} from 'node:worker_threads'

import type {DecodeKind, DecodeReply, DecodeRequest} from './decode.types.js'
import {startThread} from './thread.js'

/** How long a scan waits for the decoder thread before calling the data unread. */
const DECODE_WAIT_MS = 30_000

let decoder: Worker | null = null

function decoderThread(): Worker {
  if (decoder) return decoder
  const worker = startThread('decode-worker')
  worker.unref()
  const forget = () => {
    if (decoder === worker) decoder = null
  }
  worker.on('error', forget)
  worker.on('exit', forget)
  decoder = worker
  return worker
}

/**
 * Decodes xz, lzma, bzip2 or a 7z archive synchronously: the request goes to the decoder thread
 * (started on first use, one per scanning thread) and this thread sleeps on a shared flag until the
 * answer is posted. Output is bounded by `limit` bytes; a thread that dies or stalls is an answer too.
 */
export function decodeSync(kind: DecodeKind, input: Uint8Array, limit: number, maxMembers: number): DecodeReply {
  const {port1, port2} = new MessageChannel()
  const signal = new Int32Array(new SharedArrayBuffer(4))
  try {
    const request: DecodeRequest = {kind, input, limit, maxMembers, port: port2, signal}
    decoderThread().postMessage(request, [port2])
    const waited = Atomics.wait(signal, 0, 0, DECODE_WAIT_MS)
    const message = receiveMessageOnPort(port1)
    if (message) return message.message as DecodeReply
    if (waited === 'timed-out') {
      void decoder?.terminate()
      decoder = null
    }
    return {problem: 'failed', detail: `the decoder thread did not answer (${waited})`}
  } finally {
    port1.close()
  }
}
