import {noProgress, type OnProgress} from '../core/progress.js'
import {identifyServer} from './identify.js'
import type {BenchLevel, BenchResult, EndpointTarget, SloSpec} from './inference.types.js'
import {assertReachable, listModels, streamChat, type StreamResult} from './openai-client.js'
import {makePrompt} from './prompts.js'
import {createRng, poissonArrivals} from './rng.js'
import {meetsSlo, summarise, timePerOutputToken} from './stats.js'

export interface BenchOptions {
  /** Closed-loop levels (number of concurrent clients). */
  concurrency?: number[]
  /** Open-loop levels (requests per second, Poisson arrivals); used instead of concurrency. */
  rate?: number[]
  /** Requests per level (upper bound). */
  requests: number
  /** Wall time per level in milliseconds (upper bound). */
  durationMs: number
  inputTokens: number
  outputTokens: number
  seed: number
  slo?: SloSpec
  /** Extra request body fields (e.g. {ignore_eos: true} for vLLM). */
  extra?: Record<string, unknown>
  onProgress?: OnProgress
}

/** One finished request, as the level statistics need it. */
export interface RequestSample {
  ok: boolean
  error: string | null
  ttftMs: number | null
  itlMs: number[]
  e2eMs: number
  inputTokens: number
  outputTokens: number
  tokenSource: StreamResult['tokenSource']
}

function sampleOf(result: StreamResult): RequestSample {
  return {
    ok: result.ok && result.ttftMs !== null,
    error: result.ok ? (result.ttftMs === null ? 'no content chunk' : null) : result.error,
    ttftMs: result.ttftMs,
    itlMs: result.itlMs,
    e2eMs: result.e2eMs,
    inputTokens: result.promptTokens ?? 0,
    outputTokens: result.outputTokens,
    tokenSource: result.tokenSource,
  }
}

/** Aggregates the samples of one level into vLLM-style metrics. */
export function summariseLevel(
  samples: RequestSample[],
  level: {concurrency: number | null; rate: number | null; durationMs: number},
  slo?: SloSpec,
): BenchLevel {
  const done = samples.filter((s) => s.ok)
  const seconds = Math.max(level.durationMs / 1000, 1e-9)
  const tpots = done
    .map((s) => timePerOutputToken(s.e2eMs, s.ttftMs ?? 0, s.outputTokens))
    .filter((v): v is number => v !== null)
  const outputTokens = done.reduce((sum, s) => sum + s.outputTokens, 0)
  const good = slo
    ? done.filter((s) =>
        meetsSlo(
          {ttftMs: s.ttftMs, e2eMs: s.e2eMs, tpotMs: timePerOutputToken(s.e2eMs, s.ttftMs ?? 0, s.outputTokens)},
          slo,
        ),
      ).length
    : null
  const sources = new Set(done.map((s) => s.tokenSource))
  const tokenCounts = sources.has('approximate') ? 'approximate' : sources.has('native') ? 'native' : 'usage'
  const round = (v: number) => Math.round(v * 1000) / 1000
  return {
    concurrency: level.concurrency,
    rate: level.rate,
    completed: done.length,
    failed: samples.length - done.length,
    durationMs: Math.round(level.durationMs),
    ttftMs: summarise(done.map((s) => s.ttftMs ?? 0)),
    itlMs: summarise(done.flatMap((s) => s.itlMs)),
    tpotMs: summarise(tpots),
    e2eMs: summarise(done.map((s) => s.e2eMs)),
    inputTokens: done.reduce((sum, s) => sum + s.inputTokens, 0),
    outputTokens,
    outputTokensPerSec: round(outputTokens / seconds),
    requestsPerSec: round(done.length / seconds),
    goodput: good === null ? null : round(good / seconds),
    goodRequests: good,
    tokenCounts: done.length === 0 ? 'approximate' : tokenCounts,
    errors: [...new Set(samples.map((s) => s.error).filter((e): e is string => e !== null))].slice(0, 5),
  }
}

type Issue = (index: number) => Promise<RequestSample>

async function runClosedLoop(issue: Issue, concurrency: number, options: BenchOptions, tick: () => void) {
  const samples: RequestSample[] = []
  const deadline = performance.now() + options.durationMs
  let issued = 0
  const worker = async () => {
    while (issued < options.requests && performance.now() < deadline) {
      const sample = await issue(issued++)
      samples.push(sample)
      tick()
    }
  }
  await Promise.all(Array.from({length: concurrency}, worker))
  return samples
}

async function runOpenLoop(issue: Issue, rate: number, options: BenchOptions, tick: () => void) {
  const arrivals = poissonArrivals(createRng(options.seed), rate, options.requests, options.durationMs)
  const start = performance.now()
  const pending = arrivals.map(
    (offset, index) =>
      new Promise<RequestSample>((resolve) => {
        // Each timer aims at its absolute arrival time, so delays do not accumulate.
        setTimeout(
          () => issue(index).then((s) => (tick(), resolve(s))),
          Math.max(0, start + offset - performance.now()),
        )
      }),
  )
  return Promise.all(pending)
}

/**
 * Benchmarks an OpenAI-compatible endpoint, closed loop (fixed concurrency) or open loop
 * (Poisson arrivals at a rate), each level bounded by --requests and --duration.
 */
export async function benchEndpoint(target: EndpointTarget, options: BenchOptions): Promise<BenchResult> {
  const onProgress = options.onProgress ?? noProgress
  onProgress({phase: 'identifying the server'})
  await assertReachable(target)
  const server = await identifyServer(target)
  const resolved = {...target}
  if (!resolved.model) resolved.model = (await listModels(target).catch(() => ({models: []}))).models[0]
  const issue: Issue = async (index) => {
    const prompt = makePrompt(options.inputTokens, options.seed + index)
    try {
      const result = await streamChat(resolved, {
        messages: [{role: 'user', content: prompt}],
        maxTokens: options.outputTokens,
        temperature: 0,
        extra: options.extra,
      })
      return sampleOf(result)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return {
        ok: false,
        error: message,
        ttftMs: null,
        itlMs: [],
        e2eMs: 0,
        inputTokens: 0,
        outputTokens: 0,
        tokenSource: 'approximate',
      }
    }
  }
  const levels: BenchLevel[] = []
  const plan = options.rate?.length
    ? options.rate.map((rate) => ({concurrency: null, rate}))
    : (options.concurrency ?? [1]).map((concurrency) => ({concurrency, rate: null}))
  for (const level of plan) {
    let finished = 0
    const label = level.rate === null ? `concurrency ${level.concurrency}` : `rate ${level.rate}/s`
    const tick = () =>
      onProgress({phase: 'bench', done: ++finished, total: options.requests, unit: 'requests', detail: label})
    const started = performance.now()
    const samples =
      level.rate === null
        ? await runClosedLoop(issue, level.concurrency ?? 1, options, tick)
        : await runOpenLoop(issue, level.rate, options, tick)
    levels.push(summariseLevel(samples, {...level, durationMs: performance.now() - started}, options.slo))
  }
  return {
    target: {kind: 'endpoint', location: target.baseUrl, model: resolved.model ?? null},
    server: {kind: server.kind, version: server.version},
    options: optionsJson(options),
    levels,
  }
}

export function optionsJson(options: BenchOptions): BenchResult['options'] {
  return {
    inputTokens: options.inputTokens,
    outputTokens: options.outputTokens,
    requests: options.requests,
    durationMs: options.durationMs,
    seed: options.seed,
    slo: options.slo ?? null,
  }
}
