import type {ArrivalRecord} from './bench-load.js'
import type {ClientLoad} from './client-monitor.js'
import type {BenchLevel, FailureCount, SloSpec, TokenSource} from './inference.types.js'
import {meetsSlo, summarise, timePerOutputToken} from './stats.js'

/** One finished request, as the level statistics need it. */
export interface RequestSample {
  ok: boolean
  error: string | null
  ttftMs: number | null
  itlMs: number[]
  e2eMs: number
  queueMs: number
  connectMs: number
  inputTokens: number
  outputTokens: number
  /** Content chunks received. */
  chunks: number
  /** The streamed text (for counting tokens after the clock). */
  text: string
  tokenSource: TokenSource
}

export interface LevelFacts {
  concurrency: number | null
  rate: number | null
  durationMs: number
  warmup?: number
  arrivals?: ArrivalRecord | null
  client?: ClientLoad
}

/** The kind of a failure: the message up to its first colon ("HTTP 500", "error event in the stream"). */
function reasonOf(error: string): string {
  const colon = error.indexOf(':')
  return (colon === -1 ? error : error.slice(0, colon)).slice(0, 80)
}

function countFailures(samples: RequestSample[]): FailureCount[] {
  const byReason = new Map<string, FailureCount>()
  for (const sample of samples) {
    if (sample.ok) continue
    const message = sample.error ?? 'failed'
    const reason = reasonOf(message)
    const entry = byReason.get(reason)
    if (entry) entry.count++
    else byReason.set(reason, {reason, count: 1, example: message.slice(0, 200)})
  }
  return [...byReason.values()].sort((a, b) => b.count - a.count)
}

/** The least exact source wins: one approximate request makes the level approximate. */
function levelTokenSource(sources: Set<TokenSource>): TokenSource {
  for (const source of ['approximate', 'gguf', 'tokenize', 'native'] as const) if (sources.has(source)) return source
  return 'usage'
}

const round3 = (v: number) => Math.round(v * 1000) / 1000

function levelWarnings(samples: RequestSample[], facts: LevelFacts, requests?: number): string[] {
  const warnings: string[] = []
  if (facts.concurrency !== null && requests !== undefined && requests < 2 * facts.concurrency) {
    warnings.push(
      `--requests ${requests} is less than twice the concurrency ${facts.concurrency}: most requests start together, so percentiles describe a burst, not a steady state`,
    )
  }
  if (samples.some((s) => s.connectMs > 0)) {
    warnings.push('some measured requests opened a new connection (the server closed kept-alive ones): see connectMs')
  }
  return warnings
}

/**
 * Aggregates the samples of one level into vLLM-style metrics. Failures (HTTP >= 400, error
 * events in the stream, streams without [DONE] or a final chunk, network errors) are counted by
 * reason and excluded from every latency and from goodput.
 */
export function summariseLevel(
  samples: RequestSample[],
  facts: LevelFacts,
  options: {slo?: SloSpec; requests?: number; burstiness?: number; maxConcurrency?: number} = {},
): BenchLevel {
  const done = samples.filter((s) => s.ok)
  const seconds = Math.max(facts.durationMs / 1000, 1e-9)
  const tpotOf = (s: RequestSample) => timePerOutputToken(s.e2eMs, s.ttftMs ?? 0, s.outputTokens)
  const tpots = done.map(tpotOf).filter((v): v is number => v !== null)
  const outputTokens = done.reduce((sum, s) => sum + s.outputTokens, 0)
  const slo = options.slo
  const good = slo
    ? done.filter((s) => meetsSlo({ttftMs: s.ttftMs, e2eMs: s.e2eMs, tpotMs: tpotOf(s)}, slo)).length
    : null
  const open = facts.concurrency === null
  const arrivals = facts.arrivals
  return {
    concurrency: facts.concurrency,
    rate: facts.rate !== null && Number.isFinite(facts.rate) ? facts.rate : null,
    burstiness: open ? (options.burstiness ?? 1) : null,
    maxConcurrency: open ? (options.maxConcurrency ?? null) : null,
    warmup: facts.warmup ?? 0,
    completed: done.length,
    failed: samples.length - done.length,
    failures: countFailures(samples),
    durationMs: Math.round(facts.durationMs),
    ttftMs: summarise(done.map((s) => s.ttftMs ?? 0)),
    itlMs: summarise(done.flatMap((s) => s.itlMs)),
    tpotMs: summarise(tpots),
    e2eMs: summarise(done.map((s) => s.e2eMs)),
    connectMs: summarise(samples.map((s) => s.connectMs)),
    queueMs: summarise(samples.map((s) => s.queueMs)),
    inputTokens: done.reduce((sum, s) => sum + s.inputTokens, 0),
    outputTokens,
    outputTokensPerSec: round3(outputTokens / seconds),
    requestsPerSec: round3(done.length / seconds),
    goodput: good === null ? null : round3(good / seconds),
    goodRequests: good,
    tokenCounts: done.length === 0 ? 'approximate' : levelTokenSource(new Set(done.map((s) => s.tokenSource))),
    arrivals: arrivals
      ? {
          scheduled: arrivals.scheduled,
          realisedRatePerSec: arrivals.realisedRatePerSec === null ? null : round3(arrivals.realisedRatePerSec),
          latenessMs: summarise(arrivals.latenessMs),
        }
      : null,
    client: facts.client ?? {cpuCores: 0, eventLoopDelayP99Ms: 0, chunksPerSec: 0, bound: false},
    warnings: levelWarnings(samples, facts, options.requests),
    errors: [...new Set(samples.map((s) => s.error).filter((e): e is string => e !== null))].slice(0, 5),
  }
}
