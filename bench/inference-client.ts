// Measures llmsec's inference client against a scripted server with known delays:
//  1. TTFT and ITL medians measured by `llmsec bench` vs the server's configured (and actual)
//     timings, at concurrency 1 and 64 — target: within 5% or 2 ms;
//  2. the client's maximum streamed chunks/s on one core (target >= 5,000), beside a plain
//     fetch()-based SSE reader as the peer.
// Run: npx tsx bench/inference-client.ts   (bounded: about a minute)
import {loadavg} from 'node:os'
import {monitorEventLoopDelay} from 'node:perf_hooks'
import {Worker} from 'node:worker_threads'

import {benchEndpoint, streamChat} from '../src/inference/index.js'
import type {ScriptedServerOptions} from '../test/helpers/scripted-server.js'

const TTFT_MS = 50
const ITL_MS = 10
const TOKENS = 32

async function startWorker(options: ScriptedServerOptions): Promise<{url: string; worker: Worker}> {
  // Workers do not inherit tsx's loader: register it in the worker, then load the TypeScript module.
  const file = new URL('./scripted-server-worker.ts', import.meta.url).href
  const boot = `import('tsx/esm/api').then(({register}) => { register(); return import(${JSON.stringify(file)}) })`
  const worker = new Worker(boot, {eval: true, workerData: options})
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: {url: string}) => resolve(m.url))
    worker.once('error', reject)
  })
  return {url, worker}
}

async function actualOffsets(worker: Worker): Promise<number[][]> {
  worker.postMessage('offsets')
  return new Promise((resolve) => worker.once('message', (m: {offsets: number[][]}) => resolve(m.offsets)))
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const within = (measured: number, expected: number) => Math.abs(measured - expected) <= Math.max(0.05 * expected, 2)
const fmt = (v: number) => v.toFixed(2).padStart(7)

async function timingAccuracy(): Promise<void> {
  const {url, worker} = await startWorker({kind: 'vllm', ttftMs: TTFT_MS, itlMs: ITL_MS, outputTokens: TOKENS})
  console.log(`scripted server: TTFT ${TTFT_MS} ms, ITL ${ITL_MS} ms, ${TOKENS} tokens per answer`)
  console.log('concurrency  metric  configured  server-actual  measured  ok(5%|2ms vs configured)')
  for (const concurrency of [1, 64]) {
    // Event-loop delay shows whether the measuring client itself was starved of CPU.
    const delay = monitorEventLoopDelay({resolution: 1})
    delay.enable()
    const result = await benchEndpoint(
      {baseUrl: url},
      {
        concurrency: [concurrency],
        requests: concurrency === 1 ? 40 : 320,
        durationMs: 60_000,
        inputTokens: 32,
        outputTokens: TOKENS,
        seed: 1,
      },
    )
    delay.disable()
    const loopP99 = delay.percentile(99) / 1e6
    const offsets = await actualOffsets(worker)
    const level = result.levels[0]
    const actualTtft = median(offsets.map((o) => o[0]))
    const actualItl = median(offsets.flatMap((o) => o.slice(1).map((at, i) => at - o[i])))
    const rows: [string, number, number, number][] = [
      ['TTFT', TTFT_MS, actualTtft, level.ttftMs.p50 ?? NaN],
      ['ITL', ITL_MS, actualItl, level.itlMs.p50 ?? NaN],
    ]
    for (const [name, configured, actual, measured] of rows) {
      const ok = within(measured, configured) ? 'yes' : 'NO'
      console.log(
        `${String(concurrency).padStart(11)}  ${name.padEnd(6)}  ${fmt(configured)}     ${fmt(actual)}   ${fmt(measured)}  ${ok}  (${level.completed} requests, ${level.failed} failed)`,
      )
    }
    console.log(
      `             client event-loop delay p99 ${loopP99.toFixed(1)} ms, host load average ${loadavg()[0].toFixed(1)}`,
    )
  }
  worker.postMessage('close')
}

/** A straightforward fetch() + TextDecoder SSE reader: the peer the client is compared with. */
async function fetchChunks(url: string, tokens: number): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({model: 'm', messages: [{role: 'user', content: 'x'}], max_tokens: tokens, stream: true}),
  })
  const decoder = new TextDecoder()
  let buffer = ''
  let chunks = 0
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(part, {stream: true})
    let index
    while ((index = buffer.indexOf('\n\n')) !== -1) {
      const event = buffer.slice(0, index)
      buffer = buffer.slice(index + 2)
      if (event.startsWith('data: ') && event !== 'data: [DONE]') {
        const parsed = JSON.parse(event.slice(6)) as {choices?: {delta?: {content?: string}}[]}
        if (parsed.choices?.[0]?.delta?.content) chunks++
      }
    }
  }
  return chunks
}

async function clientThroughput(): Promise<void> {
  const tokens = 200_000
  const {url, worker} = await startWorker({kind: 'vllm', noDelay: true, outputTokens: tokens, maxContext: 0})
  const best = {llmsec: 0, fetch: 0}
  for (let round = 0; round < 3; round++) {
    let started = performance.now()
    const result = await streamChat({baseUrl: url}, {messages: [{role: 'user', content: 'x'}], maxTokens: tokens})
    best.llmsec = Math.max(best.llmsec, result.contentChunks / ((performance.now() - started) / 1000))
    started = performance.now()
    const chunks = await fetchChunks(url, tokens)
    best.fetch = Math.max(best.fetch, chunks / ((performance.now() - started) / 1000))
  }
  worker.postMessage('close')
  console.log(`\nclient throughput, ${tokens} streamed chunks, best of 3 (server in another thread):`)
  console.log(
    `  llmsec client (node:http + SseParser): ${Math.round(best.llmsec).toLocaleString('en')} chunks/s  (target >= 5,000: ${best.llmsec >= 5000 ? 'yes' : 'NO'})`,
  )
  console.log(`  peer: fetch() + TextDecoder:           ${Math.round(best.fetch).toLocaleString('en')} chunks/s`)
  console.log(`  ratio llmsec / fetch: ${(best.llmsec / best.fetch).toFixed(2)}`)
}

await timingAccuracy()
await clientThroughput()
