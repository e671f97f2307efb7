import {parentPort} from 'node:worker_threads'

import {scanBytes, scanFile} from './scan-file.js'
import type {ScanRequest, ScanResponse} from './scan-pool.js'

// One file per message: the pool times each one and replaces this thread if it hangs or dies.
parentPort?.on('message', (request: ScanRequest) => {
  const options = {allowGlobals: request.allowGlobals, explicit: request.explicit}
  const report = request.bytes ? scanBytes(request.bytes, request.path, options) : scanFile(request.path, options)
  parentPort?.postMessage({id: request.id, report} satisfies ScanResponse)
})
// Loading this module is not part of any file's budget: the pool waits for this before timing.
parentPort?.postMessage({ready: true} satisfies ScanResponse)
