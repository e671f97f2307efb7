// Measures llmsec's inference client against a scripted server (in its own thread) that records
// when it wrote every chunk:
//  1. accuracy: TTFT p50/p99 and ITL p50 measured by `llmsec bench` vs the server's recorded
//     truth at concurrency 1, 8, 32 and 128 — targets: TTFT p50 within 5 % and p99 within 10 %
//     up to 32, p50 within 5 % at 128, ITL p50 within 2 %;
//  2. client load: offered chunk rates below and above 20,000 chunks/s — the client must not be
//     the bottleneck (no client-bound flag) below that rate and must warn above it;
//  3. throughput: chunks/s per core of CPU the client used (target >= 30,000), beside a plain
//     fetch()-based SSE reader as the peer.
// Run: npx tsx bench/inference-client.ts [accuracy|load|throughput]   (bounded: a few minutes at most)
import {loadavg} from 'node:os'
import {fork} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import {CLIENT_CHUNK_RATE_LIMIT} from '../src/inference/client-monitor.js'
import {benchEndpoint, percentile, type BenchLevel} from '../src/inference/index.js'
import type {ScriptedServerOptions} from '../test/helpers/scripted-server.js'

const TTFT_MS = 80
const ITL_MS = 10
const TOKENS = 32

interface ServerThread {
  url: string
  offsets(): Promise<number[][]>
  close(): void
}

/**
 * The scripted server in a child process: its CPU is not counted in the client's
 * process.cpuUsage() (a worker thread's was, which flagged the client as bound for the server's work).
 */
async function startWorker(options: ScriptedServerOptions): Promise<ServerThread> {
  const file = fileURLToPath(new URL('./scripted-server-worker.ts', import.meta.url))
  const child = fork(file, [JSON.stringify(options)], {execArgv: ['--import', 'tsx'], stdio: 'inherit'})
  const next = <T>() => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)))
  const url = (
    await Promise.race([
      next<{url: string}>(),
      new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`server exited ${code}`)))),
    ])
  ).url
  return {
    url,
    offsets: () => {
      child.send('offsets')
      return next<{offsets: number[][]}>().then((m) => m.offsets)
    },
    close: () => child.send('close'),
  }
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b)
const pct = (values: number[], p: number) => percentile(sorted(values), p) ?? NaN
const off = (measured: number, truth: number) => (100 * (measured - truth)) / truth
const fmt = (v: number, width = 7) => v.toFixed(2).padStart(width)
const verdict = (ok: boolean) => (ok ? 'yes' : 'NO')

async function level(server: ServerThread, concurrency: number, requests: number, seed: number): Promise<BenchLevel> {
  await server.offsets() // forget earlier requests
  const result = await benchEndpoint(
    {baseUrl: server.url},
    {concurrency: [concurrency], requests, durationMs: 120_000, inputTokens: 32, outputTokens: TOKENS, seed},
  )
  return result.levels[0]
}

async function accuracy(): Promise<void> {
  const server = await startWorker({kind: 'vllm', ttftMs: TTFT_MS, itlMs: ITL_MS, outputTokens: TOKENS})
  console.log(
    `1. accuracy: scripted server TTFT ${TTFT_MS} ms, ITL ${ITL_MS} ms, ${TOKENS} tokens; truth = the server's recorded chunk times`,
  )
  console.log(
    '   conc  requests  TTFT p50 truth/measured (off)   TTFT p99 truth/measured (off)   ITL p50 truth/measured (off)  client-bound (own CPU, loop delay)  ok',
  )
  for (const concurrency of [1, 8, 32, 128]) {
    const requests = Math.max(32, 4 * concurrency)
    const lvl = await level(server, concurrency, requests, concurrency)
    const offsets = (await server.offsets()).slice(lvl.warmup)
    const ttft = offsets.map((o) => o[0])
    const itl = offsets.flatMap((o) => o.slice(1).map((at, i) => at - o[i]))
    const rows = {
      p50: [pct(ttft, 50), lvl.ttftMs.p50 ?? NaN],
      p99: [pct(ttft, 99), lvl.ttftMs.p99 ?? NaN],
      itl: [pct(itl, 50), lvl.itlMs.p50 ?? NaN],
    }
    const p50ok = Math.abs(off(rows.p50[1], rows.p50[0])) <= 5
    const p99ok = concurrency > 32 || Math.abs(off(rows.p99[1], rows.p99[0])) <= 10
    const itlOk = Math.abs(off(rows.itl[1], rows.itl[0])) <= 2
    const cell = ([truth, measured]: number[]) => `${fmt(truth)} / ${fmt(measured)} (${fmt(off(measured, truth), 6)} %)`
    console.log(
      `   ${String(concurrency).padStart(4)}  ${String(requests).padStart(8)}  ${cell(rows.p50)}   ${cell(rows.p99)}   ${cell(rows.itl)}  ${`${lvl.client.bound} (${lvl.client.cpuCores} cores, loop p99 ${Math.round(lvl.client.eventLoopDelayP99Ms)} ms)`.padEnd(34)}  ${verdict(p50ok && p99ok && itlOk)}${lvl.failed ? ` (${lvl.failed} failed)` : ''}`,
    )
  }
  console.log(
    `   host load average ${loadavg()[0].toFixed(1)} (2 cores shared with other work: timers run late when it is high)`,
  )
  server.close()
}

async function clientLoad(): Promise<void> {
  console.log(
    `\n2. client load: ITL 2 ms streams; the client must not be bound below ${CLIENT_CHUNK_RATE_LIMIT} chunks/s and must warn above`,
  )
  console.log(
    '   streams  offered chunks/s  received chunks/s  cpu cores  loop p99 ms  ITL p50 (truth 2)  client-bound  ok',
  )
  const server = await startWorker({kind: 'vllm', ttftMs: 5, itlMs: 2, outputTokens: 400, maxContext: 0})
  for (const streams of [8, 24, 64]) {
    const started = performance.now()
    const result = await benchEndpoint(
      {baseUrl: server.url},
      {
        concurrency: [streams],
        requests: streams * 2,
        durationMs: 60_000,
        inputTokens: 8,
        outputTokens: 400,
        seed: streams,
      },
    )
    const lvl = result.levels[0]
    const offered = streams * 500
    const expectBound = lvl.client.chunksPerSec > CLIENT_CHUNK_RATE_LIMIT
    const ok = lvl.client.bound === expectBound || (lvl.client.bound && lvl.client.eventLoopDelayP99Ms > 20)
    console.log(
      `   ${String(streams).padStart(7)}  ${String(offered).padStart(16)}  ${String(lvl.client.chunksPerSec).padStart(17)}  ${fmt(lvl.client.cpuCores, 9)}  ${fmt(lvl.client.eventLoopDelayP99Ms, 11)}  ${fmt(lvl.itlMs.p50 ?? NaN, 17)}  ${String(lvl.client.bound).padEnd(12)}  ${verdict(ok)}  (${Math.round(performance.now() - started)} ms)`,
    )
  }
  server.close()
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

async function perCore(): Promise<void> {
  // Chunks arrive as fast as the server thread writes them (one write each, no delay): the client's
  // CPU time per chunk is what limits it.
  const tokens = 20_000
  const streams = 16
  const server = await startWorker({kind: 'vllm', outputTokens: tokens, maxContext: 0, itlMs: 0, ttftMs: 0})
  const best = {llmsec: 0, llmsecWall: 0, fetch: 0, fetchWall: 0}
  for (let round = 0; round < 3; round++) {
    let cpu = process.cpuUsage()
    let started = performance.now()
    const result = await benchEndpoint(
      {baseUrl: server.url},
      {
        concurrency: [streams],
        requests: streams,
        durationMs: 60_000,
        inputTokens: 4,
        outputTokens: tokens,
        seed: round,
        warmup: 0,
      },
    )
    let used = process.cpuUsage(cpu)
    const chunks = result.levels[0].outputTokens
    best.llmsec = Math.max(best.llmsec, chunks / ((used.user + used.system) / 1e6))
    best.llmsecWall = Math.max(best.llmsecWall, chunks / ((performance.now() - started) / 1000))
    cpu = process.cpuUsage()
    started = performance.now()
    const counts = await Promise.all(Array.from({length: streams}, () => fetchChunks(server.url, tokens)))
    used = process.cpuUsage(cpu)
    const fetched = counts.reduce((a, b) => a + b, 0)
    best.fetch = Math.max(best.fetch, fetched / ((used.user + used.system) / 1e6))
    best.fetchWall = Math.max(best.fetchWall, fetched / ((performance.now() - started) / 1000))
  }
  server.close()
  const n = (v: number) => Math.round(v).toLocaleString('en')
  console.log(`\n3. throughput: ${streams} streams × ${tokens} chunks, one write per chunk, best of 3`)
  console.log(
    `   llmsec client (node:http + SseParser): ${n(best.llmsec)} chunks per CPU-second (target >= 30,000: ${verdict(best.llmsec >= 30_000)}), ${n(best.llmsecWall)} chunks/s wall`,
  )
  console.log(
    `   peer fetch() + TextDecoder:            ${n(best.fetch)} chunks per CPU-second, ${n(best.fetchWall)} chunks/s wall`,
  )
  console.log(`   ratio llmsec / fetch (per CPU-second): ${(best.llmsec / best.fetch).toFixed(2)}`)
}

// `npx tsx bench/inference-client.ts accuracy` runs one part only.
const only = process.argv[2]
if (!only || only === 'accuracy') await accuracy()
if (!only || only === 'load') await clientLoad()
if (!only || only === 'throughput') await perCore()
process.exit(0)
