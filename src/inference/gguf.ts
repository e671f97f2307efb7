import {cpus, loadavg} from 'node:os'

import {coreError} from '../core/errors.js'
import {pathExists} from '../core/fs.js'

type LlamaModule = typeof import('node-llama-cpp')
type LlamaModel = Awaited<ReturnType<Awaited<ReturnType<LlamaModule['getLlama']>>['loadModel']>>

export const NODE_LLAMA_CPP_VERSION = '3.21.1'

/** Loads node-llama-cpp on first use only, so commands that do not run a GGUF never pay for it. */
export async function importNodeLlamaCpp(): Promise<LlamaModule> {
  try {
    return await import('node-llama-cpp')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw coreError('TOOL_MISSING', '--gguf needs node-llama-cpp, which is not installed.', [
        `Install it beside llmsec: npm install --save-exact node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`,
      ])
    }
    throw error
  }
}

export interface GgufOptions {
  /** CPU threads (default: half the logical cores, about the physical ones, as llama.cpp). */
  threads?: number
  /** 'auto' uses a GPU when node-llama-cpp finds a usable one; 'cpu' never does. */
  gpu?: 'auto' | 'cpu'
  contextSize?: number
  /** Track llama.cpp's own prompt and eval timings (`runner.llamaTimings()`). */
  performanceTracking?: boolean
}

interface GenerateResult {
  text: string
  promptTokens: number
  /** Prompt tokens evaluated in `promptMs` (all but the last, which starts generation). */
  promptEvaluated: number
  tokens: number
  /** Time to evaluate the prompt (prompt processing). */
  promptMs: number
  /** Time to generate the tokens after the prompt. */
  generateMs: number
}

/** A GGUF model loaded in-process with one context sequence; calls are serialised. */
export interface GgufRunner {
  modelName: string
  threads: number
  gpu: string | false
  trainContextSize: number
  generate(prompt: string, options: {maxTokens: number; onToken?: (text: string) => void}): Promise<GenerateResult>
  /** One system + user exchange through the model's own chat template (node-llama-cpp's), from a clear history. */
  chat(system: string, user: string, options: {maxTokens: number; temperature: number}): Promise<string>
  countTokens(text: string): number
  /**
   * llama.cpp's own timings since the last call (needs `performanceTracking`); null when it printed
   * none. The first call after a warm-up resets the counters.
   */
  llamaTimings(): Promise<LlamaTimings | null>
  close(): Promise<void>
}

/** llama.cpp's own counters, as its performance report prints them (llama_perf_context_print). */
export interface LlamaTimings {
  promptTokens: number
  promptMs: number
  evalRuns: number
  evalMs: number
}

// "prompt eval time =       1.32 ms /     9 tokens (…)" and "eval time =       9.34 ms /    32 runs (…)".
const PERF_LINE =
  /^llama_perf_context_print:\s{0,40}(prompt eval|eval) time =\s{0,40}(\d{1,12}(?:\.\d{1,6})?) ms \/\s{0,40}(\d{1,12}) (?:tokens|runs)/

/** Reads llama.cpp's timing lines; null until both the prompt and the eval line were seen. */
export function parseLlamaTimings(lines: readonly string[]): LlamaTimings | null {
  let prompt: [number, number] | null = null
  let evaluation: [number, number] | null = null
  for (const line of lines) {
    const match = PERF_LINE.exec(line.slice(0, 300).trim())
    if (!match) continue
    const pair: [number, number] = [Number(match[2]), Number(match[3])]
    if (match[1] === 'prompt eval') prompt = pair
    else evaluation = pair
  }
  if (!prompt || !evaluation) return null
  return {promptMs: prompt[0], promptTokens: prompt[1], evalMs: evaluation[0], evalRuns: evaluation[1]}
}

/** Opens node-llama-cpp (prebuilt binaries only: never builds, never downloads) and loads a GGUF file. */
async function openGguf(path: string, gpu: 'auto' | 'cpu', vocabOnly: boolean, perfLines?: string[]) {
  if (!(await pathExists(path))) throw coreError('INPUT_NOT_FOUND', `${path} does not exist.`)
  const mod = await importNodeLlamaCpp()
  const llama = await mod.getLlama({
    gpu: gpu === 'cpu' ? false : 'auto',
    build: 'never',
    skipDownload: true,
    progressLogs: false,
    // Info level only to read llama.cpp's performance report; other info lines are dropped, errors still shown.
    logLevel: perfLines ? mod.LlamaLogLevel.info : mod.LlamaLogLevel.error,
    logger: perfLines
      ? (level, message) => {
          if (message.startsWith('llama_perf_context_print') && perfLines.length < 64) perfLines.push(message)
          else if (level === mod.LlamaLogLevel.error || level === mod.LlamaLogLevel.fatal)
            process.stderr.write(`${message}\n`)
        }
      : undefined,
  })
  let model: LlamaModel
  try {
    model = await llama.loadModel({modelPath: path, vocabOnly})
  } catch (error) {
    await llama.dispose()
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw coreError('INPUT_MALFORMED', `${path} is not a loadable GGUF model: ${why}`)
  }
  return {llama, model}
}

/** A GGUF file's tokenizer alone (vocabulary only, no weights): counts tokens of a text. */
export async function loadGgufTokenizer(path: string): Promise<{count(text: string): number; close(): Promise<void>}> {
  const {llama, model} = await openGguf(path, 'cpu', true)
  return {
    count: (text) => model.tokenize(text, false).length,
    async close() {
      await model.dispose()
      await llama.dispose()
    },
  }
}

/** Loads a GGUF file with node-llama-cpp's prebuilt binaries (never builds, never downloads). */
export async function loadGguf(path: string, options: GgufOptions = {}): Promise<GgufRunner> {
  const perfLines: string[] | undefined = options.performanceTracking ? [] : undefined
  const {llama, model} = await openGguf(path, options.gpu ?? 'auto', false, perfLines)
  // Oversubscribed threads make llama.cpp spin-wait: on a busy 2-core host 2 threads ran 60x slower than 1.
  const threads = options.threads ?? Math.max(1, Math.floor(cpus().length / 2))
  const contextSize = Math.min(options.contextSize ?? 2048, model.trainContextSize)
  const context = await model.createContext({contextSize, threads, performanceTracking: !!perfLines})
  const sequence = context.getSequence()
  let queue: Promise<unknown> = Promise.resolve()

  const generateNow = async (prompt: string, maxTokens: number, onToken?: (text: string) => void) => {
    await sequence.clearHistory()
    const bos = model.tokens.bos
    const promptTokens = [...(bos === null ? [] : [bos]), ...model.tokenize(prompt, false)]
    const limit = Math.max(0, Math.min(maxTokens, contextSize - promptTokens.length - 1))
    const started = performance.now()
    if (promptTokens.length > 1) await sequence.evaluateWithoutGeneratingNewTokens(promptTokens.slice(0, -1))
    const promptMs = performance.now() - started
    const out: (typeof promptTokens)[number][] = []
    const generateStarted = performance.now()
    if (limit > 0) {
      for await (const token of sequence.evaluate(promptTokens.slice(-1), {temperature: 0})) {
        if (model.isEogToken(token)) break
        out.push(token)
        onToken?.(model.detokenize([token], false, out.slice(-8, -1)))
        if (out.length >= limit) break
      }
    }
    const generateMs = performance.now() - generateStarted
    return {
      text: model.detokenize(out),
      promptTokens: promptTokens.length,
      promptEvaluated: Math.max(0, promptTokens.length - 1),
      tokens: out.length,
      promptMs,
      generateMs,
    }
  }

  const chatNow = async (system: string, user: string, options: {maxTokens: number; temperature: number}) => {
    await sequence.clearHistory()
    const mod = await importNodeLlamaCpp()
    const session = new mod.LlamaChatSession({
      contextSequence: sequence,
      systemPrompt: system,
      autoDisposeSequence: false,
    })
    try {
      return await session.prompt(user, {maxTokens: options.maxTokens, temperature: options.temperature})
    } finally {
      session.dispose({disposeSequence: false})
    }
  }
  const serialise = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work)
    queue = run.catch(() => undefined)
    return run
  }

  return {
    modelName: path.split('/').pop() ?? path,
    threads,
    gpu: llama.gpu,
    trainContextSize: model.trainContextSize,
    generate: (prompt, {maxTokens, onToken}) => serialise(() => generateNow(prompt, maxTokens, onToken)),
    chat: (system, user, options) => serialise(() => chatNow(system, user, options)),
    countTokens: (text) => model.tokenize(text, false).length,
    llamaTimings: () =>
      serialise(async () => {
        if (!perfLines) return null
        perfLines.length = 0
        await context.printTimings()
        // The report reaches the logger through llama.cpp's log thread: wait for it, boundedly.
        for (let i = 0; i < 50 && !parseLlamaTimings(perfLines); i++) await new Promise((r) => setTimeout(r, 10))
        return parseLlamaTimings(perfLines)
      }),
    async close() {
      await context.dispose()
      await model.dispose()
      await llama.dispose()
    },
  }
}

/** The 1, 5 and 15 minute load averages, rounded, recorded with in-process figures. */
export function currentLoadAverage(): number[] {
  return loadavg().map((v) => Math.round(v * 100) / 100)
}
