import {MessageChannel, receiveMessageOnPort, type Worker} from 'node:worker_threads'

import {ChunkSink, type DecodeMemory} from './decoded.js'
import type {DecodeKind, DecodeReply, DecodeRequest, DecodedMember} from './decode.types.js'
import type {ByteSource} from './source.js'
import {startThread} from '../core/thread.js'

/** How long a scan waits for the decoder thread before calling the data unread. */
const DECODE_WAIT_MS = 30_000

let decoder: Worker | null = null

function decoderThread(): Worker {
  if (decoder) return decoder
  const worker = startThread(import.meta.url, 'decode-worker')
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
 * answer is posted. A thread that dies or stalls is an answer too.
 */
function decodeSync(request: Omit<DecodeRequest, 'port' | 'signal'>): DecodeReply {
  const {port1, port2} = new MessageChannel()
  const signal = new Int32Array(new SharedArrayBuffer(4))
  try {
    decoderThread().postMessage({...request, port: port2, signal} satisfies DecodeRequest, [port2])
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

export type SevenZipDecoded =
  | {sink: ChunkSink; members: DecodedMember[]; corrupt?: string}
  | {problem: 'too-large' | 'corrupt' | 'encrypted' | 'failed'; detail: string}

/**
 * 7-Zip on the decoder thread within the file's decode memory: the compressed bytes are copied once
 * into shared memory (and count against it while 7-Zip runs), 7-Zip's heap growth and output share
 * what is left, and the output (at most `maxOutput` bytes) comes back in shared chunks, never copied.
 */
export function decodeWith7zip(
  kind: DecodeKind,
  source: ByteSource,
  memory: DecodeMemory,
  maxOutput: number,
  maxMembers: number,
): SevenZipDecoded {
  const tooLarge = (detail: string) => ({problem: 'too-large', detail}) as const
  if (!memory.reserve(source.size))
    return tooLarge(`${source.size} compressed bytes do not fit this file's ${memory.limit}-byte decode memory`)
  let reply: DecodeReply
  try {
    const input = new Uint8Array(new SharedArrayBuffer(source.size))
    for (let at = 0; at < source.size; at += 1024 * 1024) input.set(source.read(at, 1024 * 1024), at)
    reply = decodeSync({kind, input, memory: memory.free, maxOutput, maxMembers})
  } finally {
    memory.release(source.size)
  }
  if ('problem' in reply) return reply
  const sink = new ChunkSink(memory, maxOutput)
  if (!sink.adopt(reply.chunks, reply.size)) return tooLarge(`more than ${memory.free} bytes of decode memory`)
  return reply.corrupt === undefined
    ? {sink, members: reply.members}
    : {sink, members: reply.members, corrupt: reply.corrupt}
}
