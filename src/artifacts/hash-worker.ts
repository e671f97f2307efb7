// Worker thread body: hashes one byte range at a time with a fixed buffer. Loaded by
// hash-pool.ts as .js (dist) or as .ts through tsx (vitest, bin/dev.js).
import {parentPort} from 'node:worker_threads'

import type {HashRequest, HashResponse} from './hash-protocol.js'
import {CHUNK_BYTES, hashRangeSync} from './hash-range.js'

const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
const port = parentPort
if (port) {
  const post = (message: HashResponse) => port.postMessage(message)
  port.on('message', (request: HashRequest) => {
    try {
      const result = hashRangeSync(request, buffer, (bytes) => post({id: request.id, type: 'progress', bytes}))
      post({id: request.id, type: 'done', ...result})
    } catch (error) {
      const {code, message} = error as NodeJS.ErrnoException
      post({id: request.id, type: 'error', code: code ?? 'EUNKNOWN', message})
    }
  })
}
