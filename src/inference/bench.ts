import {describeError} from '../core/errors.js'
import {noProgress, type OnProgress} from '../core/progress.js'
import {runClosedLoop, runOpenLoop, type ArrivalRecord, type Issue} from './bench-load.js'
import {serverTokenCounter, type TokenCounter} from './bench-tokens.js'
import {clientBoundWarning, watchClient} from './client-monitor.js'
import {httpRequest} from './http-client.js'
import {identifyServer} from './identify.js'
import type {BenchLevel, BenchResult, EndpointTarget, SloSpec} from './inference.types.js'
import {assertReachable, authHeaders, listModels, streamChat} from './openai-client.js'
import {makePrompt} from './prompts.js'
import {summariseLevel, type RequestSample} from './bench-summary.js'

export {summariseLevel, type RequestSample} from './bench-summary.js'

export interface BenchOptions {
  /** Closed-loop levels (number of concurrent clients). */
  concurrency?: number[]
  /** Open-loop levels (requests per second; Infinity sends all at once); used instead of concurrency. */
  rate?: number[]
  /** Open loop: gamma shape of the gaps (1, the default, is Poisson). */
  burstiness?: number
  /** Open loop: at most this many requests in flight. */
  maxConcurrency?: number
  /** Requests sent before each level's clock starts (default: one per concurrent slot). */
  warmup?: number
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
  /** Counts tokens when the server sends no usage block (e.g. a GGUF tokenizer). */
  tokenCounter?: TokenCounter
  onProgress?: OnProgress
}

interface LevelPlan {
  concurrency: number | null
  rate: number | null
}

function failedSample(error: unknown, queueMs: number): RequestSample {
  return {
    ok: false,
    error: describeError(error),
    ttftMs: null,
    itlMs: [],
    e2eMs: 0,
    queueMs,
    connectMs: 0,
    inputTokens: 0,
    outputTokens: 0,
    chunks: 0,
    text: '',
    tokenSource: 'approximate',
  }
}

function requestIssuer(target: EndpointTarget, options: BenchOptions): Issue<RequestSample> {
  return async (index, queuedMs) => {
    const prompt = makePrompt(options.inputTokens, options.seed + index)
    try {
      const result = await streamChat(target, {
        messages: [{role: 'user', content: prompt}],
        maxTokens: options.outputTokens,
        temperature: 0,
        extra: options.extra,
      })
      return {
        ok: result.ok,
        error: result.error,
        ttftMs: result.ttftMs,
        itlMs: result.itlMs,
        e2eMs: result.e2eMs,
        queueMs: queuedMs + result.queueMs,
        connectMs: result.connectMs,
        inputTokens: result.promptTokens ?? 0,
        outputTokens: result.outputTokens,
        chunks: result.contentChunks,
        text: result.text,
        tokenSource: result.tokenSource,
      }
    } catch (error) {
      return failedSample(error, queuedMs)
    }
  }
}

/** The number of requests in flight a level can have: its warm-up size and its connection count. */
function slotsOf(level: LevelPlan, options: BenchOptions): number {
  if (level.concurrency !== null) return level.concurrency
  const cap = options.maxConcurrency ?? Math.min(64, Number.isFinite(level.rate) ? Math.ceil(level.rate ?? 1) : 64)
  return Math.max(1, Math.min(cap, options.requests))
}

/**
 * Before the clock: `warmup` requests (at most `slots` at a time) so the server, the JIT and the
 * connection pool are warm, then `slots` concurrent GETs so that many kept-alive connections
 * are open — no measured request pays for a TCP (or TLS) handshake.
 */
async function warmUp(
  target: EndpointTarget,
  issue: Issue<RequestSample>,
  warmup: number,
  slots: number,
): Promise<void> {
  if (warmup > 0)
    await runClosedLoop((i) => issue(1_000_000 + i, 0), Math.min(slots, warmup), {
      requests: warmup,
      durationMs: 600_000,
    })
  const open = () =>
    httpRequest(`${target.baseUrl}/v1/models`, {
      headers: authHeaders(target),
      timeoutMs: target.timeoutMs,
      insecure: target.insecure,
    }).catch(() => null)
  await Promise.all(Array.from({length: slots}, open))
}

/** Replaces approximate counts by the counter's, after the clock (tokenizing is not timed). */
async function recount(samples: RequestSample[], counter: TokenCounter | undefined): Promise<void> {
  if (!counter) return
  for (const sample of samples) {
    if (!sample.ok || sample.tokenSource !== 'approximate') continue
    const count = await counter.count(sample.text)
    if (count === null) return
    sample.outputTokens = count
    sample.tokenSource = counter.source
  }
}

async function runLevel(
  target: EndpointTarget,
  level: LevelPlan,
  options: BenchOptions,
  counter: TokenCounter | undefined,
): Promise<BenchLevel> {
  const onProgress = options.onProgress ?? noProgress
  const label = level.rate === null ? `concurrency ${level.concurrency}` : `rate ${level.rate}/s`
  const base = requestIssuer(target, options)
  const slots = slotsOf(level, options)
  const warmup = options.warmup ?? slots
  onProgress({phase: 'warming up', detail: `${label}: ${warmup} requests, ${slots} connections`})
  await warmUp(target, base, warmup, slots)
  let finished = 0
  const issue: Issue<RequestSample> = async (index, queued) => {
    const sample = await base(index, queued)
    onProgress({phase: 'bench', done: ++finished, total: options.requests, unit: 'requests', detail: label})
    return sample
  }
  const client = watchClient()
  const started = performance.now()
  let samples: RequestSample[]
  let arrivals: ArrivalRecord | null = null
  if (level.rate === null) samples = await runClosedLoop(issue, level.concurrency ?? 1, options)
  else {
    const open = await runOpenLoop(issue, {
      ...options,
      ratePerSec: level.rate,
      burstiness: options.burstiness ?? 1,
      maxConcurrency: options.maxConcurrency,
    })
    samples = open.samples
    arrivals = open.arrivals
  }
  const durationMs = performance.now() - started
  const load = client.stop(samples.reduce((sum, s) => sum + s.chunks, 0))
  await recount(samples, counter)
  const summary = summariseLevel(samples, {...level, durationMs, warmup, arrivals, client: load}, options)
  if (load.bound) summary.warnings.push(clientBoundWarning(load))
  return summary
}

/**
 * Benchmarks an OpenAI-compatible endpoint, closed loop (fixed concurrency) or open loop
 * (gamma/Poisson arrivals at a rate, optionally capped in flight), each level bounded by
 * --requests and --duration and preceded by a warm-up outside the clock.
 */
export async function benchEndpoint(target: EndpointTarget, options: BenchOptions): Promise<BenchResult> {
  const onProgress = options.onProgress ?? noProgress
  onProgress({phase: 'identifying the server'})
  await assertReachable(target)
  const server = await identifyServer(target)
  const resolved = {...target}
  if (!resolved.model) resolved.model = (await listModels(target).catch(() => ({models: []}))).models[0]
  const counter = options.tokenCounter ?? serverTokenCounter(resolved, server.kind) ?? undefined
  const plan: LevelPlan[] = options.rate?.length
    ? options.rate.map((rate) => ({concurrency: null, rate}))
    : (options.concurrency ?? [1]).map((concurrency) => ({concurrency, rate: null}))
  const levels: BenchLevel[] = []
  for (const level of plan) levels.push(await runLevel(resolved, level, options, counter))
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
