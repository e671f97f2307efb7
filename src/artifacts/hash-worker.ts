// Worker thread body: hashes byte ranges of files with a fixed buffer, so memory stays
// bounded whatever the file size. Loaded by hash-pool.ts as .js (dist) or .ts (via tsx).
import {createHash} from 'node:crypto'
import {open} from 'node:fs/promises'
import {parentPort} from 'node:worker_threads'

import type {HashRequest, HashResponse} from './hash-protocol.js'

const CHUNK_BYTES = 4 * 1024 * 1024
/** Report progress after this many bytes, to keep messages few. */
const PROGRESS_BYTES = 32 * 1024 * 1024
const buffer = Buffer.allocUnsafe(CHUNK_BYTES)

async function hashRange(request: HashRequest, post: (message: HashResponse) => void): Promise<void> {
  const hash = createHash(request.algorithm)
  const handle = await open(request.path, 'r')
  try {
    let position = request.start
    const end = request.end ?? Number.POSITIVE_INFINITY
    let unreported = 0
    while (position < end) {
      const want = Math.min(CHUNK_BYTES, end - position)
      const {bytesRead} = await handle.read(buffer, 0, want, position)
      if (bytesRead === 0) break
      hash.update(buffer.subarray(0, bytesRead))
      position += bytesRead
      unreported += bytesRead
      if (unreported >= PROGRESS_BYTES) {
        post({id: request.id, type: 'progress', bytes: unreported})
        unreported = 0
      }
    }
    if (unreported > 0) post({id: request.id, type: 'progress', bytes: unreported})
    post({id: request.id, type: 'done', digest: hash.digest('hex'), bytes: position - request.start})
  } finally {
    await handle.close()
  }
}

const port = parentPort
if (port) {
  const post = (message: HashResponse) => port.postMessage(message)
  port.on('message', (request: HashRequest) => {
    hashRange(request, post).catch((error: NodeJS.ErrnoException) => {
      post({id: request.id, type: 'error', code: error.code ?? 'EUNKNOWN', message: error.message})
    })
  })
}
