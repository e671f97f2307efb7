// Where TTFT error comes from at high concurrency: for each request, the client's send time and
// first-chunk time, and the scripted server's header, body and first-write times, on one wall clock
// (performance.timeOrigin + now: the wall clock, comparable across processes). Splits measured TTFT into
//   send → server reads the request (client write + server accept/read lag),
//   server body → first write (the server's truth),
//   first write → client reads it (delivery + client event-loop lag).
// Run: npx tsx bench/ttft-breakdown.ts [concurrency=128]
import {fork} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import {percentile, streamChat} from '../src/inference/index.js'

const concurrency = Number(process.argv[2] ?? 128)
const rounds = 3
const file = fileURLToPath(new URL('./scripted-server-worker.ts', import.meta.url))
const options = {kind: 'vllm', ttftMs: 80, itlMs: 10, outputTokens: 32}
const worker = fork(file, [JSON.stringify(options)], {execArgv: ['--import', 'tsx'], stdio: 'inherit'})
const url = await new Promise<string>((resolve) => worker.once('message', (m: {url: string}) => resolve(m.url)))
const now = () => performance.timeOrigin + performance.now()

interface ClientTimes {
  sent: number
  first: number
}
const client = new Map<string, ClientTimes>()

async function one(id: string): Promise<void> {
  const before = now()
  const result = await streamChat({baseUrl: url}, {messages: [{role: 'user', content: `request ${id}`}], maxTokens: 32})
  const sent = before + result.queueMs + result.connectMs
  client.set(id, {sent, first: sent + (result.ttftMs ?? NaN)})
}

// Warm-up: one request per slot opens the connections.
await Promise.all(Array.from({length: concurrency}, (_, i) => one(`warm-${i}`)))
client.clear()
worker.send('records')
await new Promise((resolve) => worker.once('message', resolve))
await Promise.all(
  Array.from({length: concurrency}, async (_, slot) => {
    for (let r = 0; r < rounds; r++) await one(`${slot}-${r}`)
  }),
)
worker.send('records')
const records = await new Promise<{body: string; headersAtMs: number; bodyAtMs: number; chunkOffsetsMs: number[]}[]>(
  (resolve) => worker.once('message', (m) => resolve((m as {records: never}).records)),
)
worker.send('close')

const parts = {send: [] as number[], truth: [] as number[], deliver: [] as number[], measured: [] as number[]}
for (const record of records) {
  const id = /request ([\w-]+)/.exec(record.body)?.[1]
  const times = id ? client.get(id) : undefined
  if (!times || !record.chunkOffsetsMs?.length) continue
  const firstWrite = record.bodyAtMs + record.chunkOffsetsMs[0]
  parts.send.push(record.bodyAtMs - times.sent)
  parts.truth.push(record.chunkOffsetsMs[0])
  parts.deliver.push(times.first - firstWrite)
  parts.measured.push(times.first - times.sent)
}
const p = (values: number[], q: number) =>
  (
    percentile(
      [...values].sort((a, b) => a - b),
      q,
    ) ?? NaN
  ).toFixed(2)
console.log(`concurrency ${concurrency}, ${parts.truth.length} requests after warm-up`)
console.log('                                   p50      p90      p99')
for (const [name, values] of Object.entries(parts)) {
  console.log(
    `${name.padEnd(30)} ${p(values, 50).padStart(8)} ${p(values, 90).padStart(8)} ${p(values, 99).padStart(8)}`,
  )
}
