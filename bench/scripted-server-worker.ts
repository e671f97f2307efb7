// Runs a scripted server in its own process (forked with an IPC channel; the options come as
// argv[2]) or thread (workerData), so its timers and the measuring client do not share an event
// loop — and, as a process, so the client's process.cpuUsage() counts the client alone.
import {parentPort, workerData} from 'node:worker_threads'

import {startScriptedServer, type ScriptedServerOptions} from '../test/helpers/scripted-server.js'

const options = (parentPort ? workerData : JSON.parse(process.argv[2])) as ScriptedServerOptions
const post = (message: unknown) => (parentPort ? parentPort.postMessage(message) : process.send?.(message))
const server = await startScriptedServer(options)
post({url: server.url})
const onMessage = (message: string) => {
  if (message === 'offsets') {
    post({offsets: server.requests.flatMap((r) => (r.chunkOffsetsMs ? [r.chunkOffsetsMs] : []))})
    server.requests.length = 0
  } else if (message === 'records') {
    const records = server.requests.map(({body, headersAtMs, bodyAtMs, chunkOffsetsMs}) => ({
      body,
      headersAtMs,
      bodyAtMs,
      chunkOffsetsMs,
    }))
    post({records})
    server.requests.length = 0
  } else if (message === 'close') void server.close().then(() => process.exit(0))
}
if (parentPort) parentPort.on('message', onMessage)
else process.on('message', onMessage)
