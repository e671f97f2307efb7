// Runs a scripted server in its own thread, so its timers and the measuring client do not
// share an event loop (or a core).
import {parentPort, workerData} from 'node:worker_threads'

import {startScriptedServer, type ScriptedServerOptions} from '../test/helpers/scripted-server.js'

const server = await startScriptedServer(workerData as ScriptedServerOptions)
parentPort?.postMessage({url: server.url})
parentPort?.on('message', (message: string) => {
  if (message === 'offsets') {
    parentPort?.postMessage({offsets: server.requests.flatMap((r) => (r.chunkOffsetsMs ? [r.chunkOffsetsMs] : []))})
    server.requests.length = 0
  } else if (message === 'close') void server.close().then(() => process.exit(0))
})
