import {usageError} from '../core/errors.js'
import type {OnProgress} from '../core/progress.js'
import {benchGguf} from './bench-gguf.js'
import {benchEndpoint} from './bench.js'
import {loadGgufTokenizer} from './gguf.js'
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
  /** "2,5.5" requests per second, or "inf" */
  rate?: string
  /** Gamma shape of open-loop gaps, as typed. */
  burstiness?: string
  maxConcurrency?: number
  warmup?: number
  /** A GGUF file whose tokenizer counts tokens when the server sends no usage block. */
  tokenizer?: string
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

/** Parses "1,4,16" into positive numbers; `integer` rejects fractions; `inf` only where allowed. */
export function parseList(text: string, flag: string, integer: boolean, max: number, allowInf = false): number[] {
  const values = text.split(',').map((part) => part.trim())
  const out: number[] = []
  for (const value of values) {
    if (allowInf && /^inf(inity)?$/i.test(value)) {
      out.push(Infinity)
      continue
    }
    const n = Number(value)
    if (value === '' || !Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n))) {
      const kind = integer ? 'whole numbers' : 'numbers'
      throw usageError(`${flag} "${text}" must be comma-separated ${kind} between 1 and ${max}.`)
    }
    out.push(n)
  }
  return out
}

/** Parses --burstiness: a positive number (the gamma shape of arrival gaps). */
function parseBurstiness(text: string): number {
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1000) {
    throw usageError(`--burstiness "${text}" must be a number above 0 (1 is Poisson).`)
  }
  return n
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
  if (!request.rate && (request.burstiness !== undefined || request.maxConcurrency !== undefined)) {
    throw usageError('--burstiness and --max-concurrency shape open-loop arrivals: give them with --rate.')
  }
  let slo
  if (request.slo !== undefined) {
    const parsed = parseSlo(request.slo)
    if (typeof parsed === 'string') throw usageError(`${parsed}.`)
    slo = parsed
  }
  const options = {
    concurrency: request.concurrency ? parseList(request.concurrency, '--concurrency', true, 4096) : [1],
    rate: request.rate ? parseList(request.rate, '--rate', false, 100_000, true) : undefined,
    burstiness: request.burstiness === undefined ? undefined : parseBurstiness(request.burstiness),
    maxConcurrency: request.maxConcurrency,
    warmup: request.warmup,
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
  if (!request.tokenizer) return benchEndpoint(target, options)
  const tokenizer = await loadGgufTokenizer(request.tokenizer)
  try {
    const tokenCounter = {source: 'gguf' as const, count: (text: string) => Promise.resolve(tokenizer.count(text))}
    return await benchEndpoint(target, {...options, tokenCounter})
  } finally {
    await tokenizer.close()
  }
}
