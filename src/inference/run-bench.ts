import {usageError} from '../core/errors.js'
import type {OnProgress} from '../core/progress.js'
import {benchGguf} from './bench-gguf.js'
import {benchEndpoint} from './bench.js'
import type {BenchResult} from './inference.types.js'
import {normaliseBaseUrl} from './openai-client.js'
import {parseSlo} from './stats.js'

export interface BenchRequest {
  endpoint?: string
  gguf?: string
  apiKey?: string
  model?: string
  /** "1,4,16" */
  concurrency?: string
  /** "2,5.5" requests per second */
  rate?: string
  requests: number
  durationMs: number
  inputTokens: number
  outputTokens: number
  seed: number
  /** "ttft=500,tpot=50" */
  slo?: string
  ignoreEos?: boolean
  gpu?: 'auto' | 'cpu'
  threads?: number
  timeoutMs?: number
  insecure?: boolean
  onProgress?: OnProgress
}

/** Parses "1,4,16" into positive numbers; `integer` rejects fractions. */
export function parseList(text: string, flag: string, integer: boolean, max: number): number[] {
  const values = text.split(',').map((part) => part.trim())
  const out: number[] = []
  for (const value of values) {
    const n = Number(value)
    if (value === '' || !Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n))) {
      const kind = integer ? 'whole numbers' : 'numbers'
      throw usageError(`${flag} "${text}" must be comma-separated ${kind} between 1 and ${max}.`)
    }
    out.push(n)
  }
  return out
}

/** Validates the bench flags and runs the endpoint or the in-process benchmark. */
export async function runBench(request: BenchRequest): Promise<BenchResult> {
  if (request.endpoint && request.gguf) throw usageError('Give either --endpoint or --gguf, not both.')
  if (!request.endpoint && !request.gguf) {
    throw usageError('bench needs a target: --endpoint URL or --gguf FILE.')
  }
  if (request.concurrency && request.rate) {
    throw usageError('Give either --concurrency (closed loop) or --rate (open loop), not both.')
  }
  let slo
  if (request.slo !== undefined) {
    const parsed = parseSlo(request.slo)
    if (typeof parsed === 'string') throw usageError(`${parsed}.`)
    slo = parsed
  }
  const options = {
    concurrency: request.concurrency ? parseList(request.concurrency, '--concurrency', true, 4096) : [1],
    rate: request.rate ? parseList(request.rate, '--rate', false, 100_000) : undefined,
    requests: request.requests,
    durationMs: request.durationMs,
    inputTokens: request.inputTokens,
    outputTokens: request.outputTokens,
    seed: request.seed,
    slo,
    extra: request.ignoreEos ? {ignore_eos: true} : undefined,
    onProgress: request.onProgress,
  }
  if (request.gguf) {
    if (request.rate || (request.concurrency && options.concurrency.some((c) => c !== 1))) {
      throw usageError('--gguf runs one request at a time: --concurrency and --rate do not apply.')
    }
    return benchGguf(request.gguf, {...options, gpu: request.gpu, threads: request.threads})
  }
  const target = {
    baseUrl: normaliseBaseUrl(request.endpoint ?? ''),
    apiKey: request.apiKey,
    model: request.model,
    timeoutMs: request.timeoutMs ?? 300_000,
    insecure: request.insecure,
  }
  return benchEndpoint(target, options)
}
