import {noProgress} from '../core/progress.js'
import {optionsJson, summariseLevel, type BenchOptions, type RequestSample} from './bench.js'
import {currentLoadAverage, loadGguf, NODE_LLAMA_CPP_VERSION, type GgufOptions, type GgufRunner} from './gguf.js'
import type {BenchResult} from './inference.types.js'
import {makePrompt} from './prompts.js'

/**
 * Benchmarks a GGUF file in-process, one request at a time: prompt processing (pp) and
 * generation (tg) tokens/s like llama-bench, plus the usual per-request latency metrics.
 * Bounded by --requests and --duration.
 */
export async function benchGguf(path: string, options: BenchOptions & GgufOptions): Promise<BenchResult> {
  const onProgress = options.onProgress ?? noProgress
  onProgress({phase: 'loading model', detail: path})
  const runner = await loadGguf(path, {
    ...options,
    contextSize: options.inputTokens + options.outputTokens + 16,
    performanceTracking: true,
  })
  // In-process the tokenizer is at hand, so prompts are exactly --input-tokens long.
  const promptOf = (seed: number) => fitPrompt(runner, makePrompt(options.inputTokens, seed), options.inputTokens)
  try {
    const samples: RequestSample[] = []
    let promptTokens = 0
    let promptMs = 0
    let generated = 0
    let generateMs = 0
    // Warm-up outside the clock: the first evaluation pays for allocating buffers and paging weights in.
    const warmup = options.warmup ?? 1
    for (let i = 0; i < warmup; i++)
      await runner.generate(promptOf(options.seed + 1_000_000 + i), {maxTokens: options.outputTokens})
    await runner.llamaTimings() // resets llama.cpp's counters: the warm-up is not counted
    const started = performance.now()
    const deadline = started + options.durationMs
    for (let i = 0; i < options.requests && performance.now() < deadline; i++) {
      const prompt = promptOf(options.seed + i)
      const sent = performance.now()
      const arrivals: number[] = []
      const result = await runner.generate(prompt, {
        maxTokens: options.outputTokens,
        onToken: () => arrivals.push(performance.now()),
      })
      const e2eMs = performance.now() - sent
      promptTokens += result.promptEvaluated
      promptMs += result.promptMs
      generated += result.tokens
      generateMs += result.generateMs
      samples.push({
        ok: arrivals.length > 0,
        error: arrivals.length > 0 ? null : 'no token generated',
        ttftMs: arrivals.length > 0 ? arrivals[0] - sent : null,
        itlMs: arrivals.slice(1).map((at, k) => at - arrivals[k]),
        e2eMs,
        queueMs: 0,
        connectMs: 0,
        inputTokens: result.promptTokens,
        outputTokens: result.tokens,
        chunks: arrivals.length,
        text: '',
        tokenSource: 'native',
      })
      onProgress({phase: 'bench', done: i + 1, total: options.requests, unit: 'requests', detail: 'in-process'})
    }
    const level = summariseLevel(
      samples,
      {concurrency: 1, rate: null, durationMs: performance.now() - started, warmup},
      options,
    )
    const perSec = (tokens: number, ms: number) => Math.round((tokens / Math.max(ms / 1000, 1e-9)) * 10) / 10
    const own = await runner.llamaTimings()
    return {
      target: {kind: 'gguf', location: path, model: runner.modelName},
      server: {kind: 'node-llama-cpp', version: NODE_LLAMA_CPP_VERSION},
      options: optionsJson(options),
      levels: [level],
      gguf: {
        model: runner.modelName,
        threads: runner.threads,
        gpu: runner.gpu,
        loadAvg: currentLoadAverage(),
        promptTokens,
        generatedTokens: generated,
        repetitions: samples.length,
        ppTokensPerSec: perSec(promptTokens, promptMs),
        tgTokensPerSec: perSec(generated, generateMs),
        llamaCpp: own && {
          promptTokens: own.promptTokens,
          promptMs: own.promptMs,
          evalRuns: own.evalRuns,
          evalMs: own.evalMs,
          ppTokensPerSec: perSec(own.promptTokens, own.promptMs),
          tgTokensPerSec: perSec(own.evalRuns, own.evalMs),
        },
      },
    }
  } finally {
    await runner.close()
  }
}

/** Trims a prompt word by word until it holds at most `tokens` tokens (small vocabularies split words). */
function fitPrompt(runner: GgufRunner, prompt: string, tokens: number): string {
  const words = prompt.split(' ')
  let low = 1
  let high = words.length
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (runner.countTokens(words.slice(0, mid).join(' ')) <= tokens) low = mid
    else high = mid - 1
  }
  return words.slice(0, low).join(' ')
}
