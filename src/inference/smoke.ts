import {append} from '../core/arrays.js'
import {describeError} from '../core/errors.js'
import {noProgress, type OnProgress} from '../core/progress.js'
import {loadGguf, NODE_LLAMA_CPP_VERSION, type GgufOptions} from './gguf.js'
import {identifyServer} from './identify.js'
import {assertReachable} from './openai-client.js'
import type {EndpointTarget, SmokeCheck, SmokeReport} from './inference.types.js'
import {checkAuthRequired, checkUnguardedRoutes} from './probes/auth.js'
import {checkCanaryLeak, runCanaryAttacks} from './probes/canary-leak.js'
import {checkCors, checkMetrics, checkTransport, checkVersion} from './probes/exposure.js'
import {checkCompletion, checkModels, checkStream} from './probes/inference.js'
import {checkMaxTokens, checkRate} from './probes/limits.js'
import {checkOllamaManagement, checkOllamaReadApi} from './probes/ollama.js'
import {checkHostRebinding} from './probes/rebinding.js'
import {
  checkLlamaProps,
  checkLlamaSlots,
  checkRayJobs,
  checkTgiInfo,
  checkTritonModelControl,
  checkVllmOpenapi,
} from './probes/runtime-routes.js'
import {makeCheck, type ProbeContext, type PromptFamilyOptions} from './probes/probe-context.js'
import {checkPromptFamilies, PROMPT_FAMILY_MAX_TOKENS} from './probes/prompt-families.js'
import {runPromptFamilies} from './prompt-security/run-families.js'

export interface SmokeOptions {
  onProgress?: OnProgress
  /** Seed of the canary (default: random per run). */
  seed?: number
  /** Requests in the limits.rate burst (default 20, at most 100). */
  burst?: number
  /** Run the prompt-security families (`--prompts`). */
  prompts?: PromptFamilyOptions
}

function summariseChecks(checks: SmokeCheck[]): SmokeReport['summary'] {
  const summary = {pass: 0, fail: 0, warn: 0, skip: 0, inconclusive: 0}
  for (const check of checks) summary[check.status]++
  return summary
}

/**
 * Smoke-tests an OpenAI-compatible endpoint: it serves, and it is not exposed in the ways
 * self-hosted servers usually are. Only the given endpoint is contacted.
 */
export async function smokeEndpoint(target: EndpointTarget, options: SmokeOptions = {}): Promise<SmokeReport> {
  const onProgress = options.onProgress ?? noProgress
  const steps = options.prompts ? 21 : 20
  let done = 0
  const step = (detail: string) => onProgress({phase: 'smoke', done: done++, total: steps, unit: 'items', detail})
  step('identifying the server')
  await assertReachable(target)
  const server = await identifyServer(target)
  const ctx: ProbeContext = {
    target: {...target},
    server,
    onProgress,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 31),
    burst: Math.min(100, Math.max(1, options.burst ?? 20)),
    controls: new Map(),
    prompts: options.prompts ?? null,
  }
  step('listing models')
  const {check: models, models: ids} = await checkModels(ctx)
  ctx.target.model ??= ids[0]
  const checks: SmokeCheck[] = [models]
  const probes: [string, (c: ProbeContext) => Promise<SmokeCheck> | SmokeCheck][] = [
    ['completion', checkCompletion],
    ['streaming', checkStream],
    ['auth', checkAuthRequired],
    ['unguarded routes', checkUnguardedRoutes],
    ['Ollama management routes', checkOllamaManagement],
    ['Ollama read routes', checkOllamaReadApi],
    ['llama.cpp /slots', checkLlamaSlots],
    ['llama.cpp /props', checkLlamaProps],
    ['vLLM /openapi.json', checkVllmOpenapi],
    ['Triton model control', checkTritonModelControl],
    ['Ray Jobs API', checkRayJobs],
    ['TGI /info', checkTgiInfo],
    ['Host header', checkHostRebinding],
    ['transport', checkTransport],
    ['CORS', checkCors],
    ['metrics', checkMetrics],
    ['version', checkVersion],
    ['canary prompts', checkCanaryLeak],
    ['max_tokens', checkMaxTokens],
    ['rate burst', checkRate],
  ]
  for (const [label, probe] of probes) {
    step(label)
    checks.push(await probe(ctx))
  }
  if (ctx.prompts) {
    step('prompt-security families')
    append(checks, await checkPromptFamilies(ctx))
  }
  onProgress({phase: 'smoke', done: steps, total: steps, unit: 'items'})
  return {
    target: {kind: 'endpoint', location: target.baseUrl, model: ctx.target.model ?? null},
    server: {kind: server.kind, version: server.version},
    checks,
    summary: summariseChecks(checks),
  }
}

/** Fails fast (exit 2) when nothing answers, instead of failing every check. */
const NETWORK_CHECKS = [
  'auth.required',
  'auth.unguarded-routes',
  'ollama.management-exposed',
  'ollama.api-exposed',
  'llamacpp.slots-exposed',
  'llamacpp.props-exposed',
  'vllm.openapi-routes',
  'triton.model-control',
  'ray.jobs-exposed',
  'tgi.info-exposed',
  'host.rebinding',
  'transport.tls',
  'cors.origin',
  'metrics.exposed',
  'version.known-vulnerable',
  'limits.max-tokens',
  'limits.rate',
]

/** Smoke-tests a GGUF file in-process: it loads, generates, streams, and keeps a canary. */
export async function smokeGguf(path: string, options: SmokeOptions & GgufOptions = {}): Promise<SmokeReport> {
  const onProgress = options.onProgress ?? noProgress
  onProgress({phase: 'loading model', detail: path})
  const runner = await loadGguf(path, options)
  try {
    const checks: SmokeCheck[] = [
      makeCheck('inference.models', 'pass', 'info', `${runner.modelName} loaded (context ${runner.trainContextSize})`),
    ]
    onProgress({phase: 'generating'})
    const result = await runner.generate('Once upon a time', {maxTokens: 64})
    const tokensPerSec = result.tokens / Math.max(result.generateMs / 1000, 1e-9)
    const promptTokensPerSec = result.promptTokens / Math.max(result.promptMs / 1000, 1e-9)
    const generation = {
      promptTokens: result.promptTokens,
      tokensGenerated: result.tokens,
      tokensPerSec: Math.round(tokensPerSec * 10) / 10,
      promptTokensPerSec: Math.round(promptTokensPerSec * 10) / 10,
      threads: runner.threads,
      gpu: runner.gpu,
    }
    const generated = `${result.tokens} tokens at ${generation.tokensPerSec} tokens/s`
    checks.push(
      result.tokens > 0 && result.text.trim() !== ''
        ? makeCheck('inference.completion', 'pass', 'info', generated, {...generation})
        : makeCheck('inference.completion', 'fail', 'high', `no text generated (${generated})`),
    )
    let pieces = 0
    await runner.generate('The little dog', {maxTokens: 16, onToken: () => pieces++})
    checks.push(
      pieces > 0
        ? makeCheck('inference.stream', 'pass', 'info', `${pieces} tokens streamed one by one`)
        : makeCheck('inference.stream', 'fail', 'high', 'no token was streamed'),
    )
    onProgress({phase: 'canary prompts'})
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
    checks.push(
      await runCanaryAttacks(seed, async (system, prompt) => {
        try {
          return (await runner.generate(`${system}\nUser: ${prompt}\nAssistant:`, {maxTokens: 48})).text
        } catch (error) {
          return {failed: describeError(error)}
        }
      }),
    )
    if (options.prompts) {
      const {samples, temperature} = options.prompts
      const ask = async (system: string, user: string) => {
        try {
          return await runner.chat(system, user, {maxTokens: PROMPT_FAMILY_MAX_TOKENS, temperature})
        } catch (error) {
          return {failed: describeError(error)}
        }
      }
      // One context sequence: the requests run one at a time whatever the concurrency.
      append(checks, await runPromptFamilies(ask, {seed, samples, concurrency: 1, onProgress}))
    }
    for (const id of NETWORK_CHECKS) checks.push(makeCheck(id, 'skip', 'info', 'in-process model: no endpoint'))
    return {
      target: {kind: 'gguf', location: path, model: runner.modelName},
      server: {kind: 'node-llama-cpp', version: NODE_LLAMA_CPP_VERSION},
      checks,
      summary: summariseChecks(checks),
      generation,
    }
  } finally {
    await runner.close()
  }
}
