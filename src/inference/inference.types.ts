/** Shared types of the inference domain: targets, smoke checks and bench results. */

import type {Severity} from '../core/severity.js'
import type {RuntimeId} from '../hardware/index.js'

export type {Severity} from '../core/severity.js'

/**
 * `inconclusive`: the model failed a probe family's positive control, so resisting its attacks
 * proves nothing; it is never counted as a pass.
 */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'inconclusive'

/** One smoke check result. `evidence` is one human line; `data` holds numbers and lists. */
export interface SmokeCheck {
  id: string
  status: CheckStatus
  severity: Severity
  evidence: string
  data?: Record<string, unknown>
}

/** A catalog runtime id (src/hardware/runtimes.catalog.ts), or 'unknown'. */
export type ServerKind = RuntimeId | 'unknown'

export interface ServerIdentity {
  kind: ServerKind
  version: string | null
  /** Which route or header told us (e.g. "GET /api/version"). */
  source: string | null
}

/** An OpenAI-compatible HTTP endpoint. */
export interface EndpointTarget {
  /** Base URL without a trailing slash and without /v1, e.g. http://127.0.0.1:8000. */
  baseUrl: string
  apiKey?: string
  model?: string
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number
  /** Accept invalid TLS certificates (transport.tls still reports them). */
  insecure?: boolean
}

/** Where the smoke test ran. */
export interface TargetDescription {
  kind: 'endpoint' | 'gguf'
  /** The URL or the GGUF file path. */
  location: string
  model: string | null
}

export interface SmokeReport {
  target: TargetDescription
  server: {kind: ServerKind | 'node-llama-cpp'; version: string | null}
  checks: SmokeCheck[]
  summary: {pass: number; fail: number; warn: number; skip: number; inconclusive: number}
  /** In-process generation figures (--gguf only). */
  generation?: GenerationFigures
}

export interface GenerationFigures {
  promptTokens: number
  tokensGenerated: number
  tokensPerSec: number
  promptTokensPerSec: number
  threads: number
  gpu: string | false
}

/** mean and percentiles of one metric, in milliseconds; null when there were no samples. */
export interface MetricSummary {
  mean: number | null
  p50: number | null
  p90: number | null
  p95: number | null
  p99: number | null
}

/**
 * Where a level's token counts came from: the stream's `usage` block, the server's own counters
 * (llama.cpp timings, in-process), the server's `/tokenize`, a GGUF tokenizer (`--tokenizer`), or
 * an approximation (about four characters per token) that makes TPOT and tokens/s approximate.
 */
export type TokenSource = 'usage' | 'native' | 'tokenize' | 'gguf' | 'approximate'

/** Failed requests of one kind: `HTTP 500`, `error event in the stream`, … with one example message. */
export interface FailureCount {
  reason: string
  count: number
  example: string
}

export interface BenchLevel {
  /** Closed loop: number of concurrent clients; open loop: null. */
  concurrency: number | null
  /** Open loop: requests per second (null for an infinite rate); closed loop: null. */
  rate: number | null
  /** Open loop: the gamma shape of the gaps (1 = Poisson); closed loop: null. */
  burstiness: number | null
  /** Open loop: requests in flight at most (null: unbounded); closed loop: null. */
  maxConcurrency: number | null
  /** Requests sent before the clock started, not counted. */
  warmup: number
  completed: number
  failed: number
  /** Failed requests by reason. */
  failures: FailureCount[]
  durationMs: number
  ttftMs: MetricSummary
  itlMs: MetricSummary
  tpotMs: MetricSummary
  e2eMs: MetricSummary
  /** Opening connections during the measured requests (0 when pre-opened connections were reused). */
  connectMs: MetricSummary
  /** Client-side waiting before a request went out: a concurrency slot, a free socket. */
  queueMs: MetricSummary
  inputTokens: number
  outputTokens: number
  outputTokensPerSec: number
  requestsPerSec: number
  /** Good requests (succeeded and met every --slo) per second; null without --slo. */
  goodput: number | null
  goodRequests: number | null
  /** Where token counts came from; `approximate` when any request's count was approximate. */
  tokenCounts: TokenSource
  /** Open loop only: planned arrivals, realised rate and how late requests left. */
  arrivals: {scheduled: number; realisedRatePerSec: number | null; latenessMs: MetricSummary} | null
  /** The measuring client's own load during the level. */
  client: {cpuCores: number; eventLoopDelayP99Ms: number; chunksPerSec: number; bound: boolean}
  warnings: string[]
  /** First few distinct failure messages. */
  errors: string[]
}

export interface SloSpec {
  ttftMs?: number
  tpotMs?: number
  e2eMs?: number
}

export interface GgufBenchFigures {
  model: string
  threads: number
  gpu: string | false
  loadAvg: number[]
  promptTokens: number
  generatedTokens: number
  repetitions: number
  /** Prompt processing tokens/s (llama-bench "pp"). */
  ppTokensPerSec: number
  /** Generation tokens/s (llama-bench "tg"). */
  tgTokensPerSec: number
  /**
   * llama.cpp's own counters over the measured requests (node-llama-cpp performance tracking),
   * beside the wall-clock rates above; null when llama.cpp printed none.
   */
  llamaCpp: {
    promptTokens: number
    promptMs: number
    evalRuns: number
    evalMs: number
    ppTokensPerSec: number
    tgTokensPerSec: number
  } | null
}

export interface BenchResult {
  target: TargetDescription
  server: {kind: ServerKind | 'node-llama-cpp'; version: string | null}
  options: {
    inputTokens: number
    outputTokens: number
    requests: number
    durationMs: number
    seed: number
    slo: SloSpec | null
  }
  levels: BenchLevel[]
  gguf?: GgufBenchFigures
}
