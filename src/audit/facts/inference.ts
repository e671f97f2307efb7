import type {FactProvider} from './cache.js'
import {FactUnavailableError} from './cache.js'
import type {InferenceRuntime, InferenceService} from './fact-map.js'

const RUNTIMES: [InferenceRuntime, RegExp][] = [
  ['ollama', /(^|\/)ollama(\s|$)/],
  ['vllm', /(^|[\s/])vllm([\s.]|$)|vllm\.entrypoints/],
  ['llama.cpp', /(^|\/)(llama-server|llama-cpp-server|server\s.*\.gguf)|llama_cpp\.server/],
  ['tgi', /text-generation-(launcher|router)/],
  ['triton', /(^|\/)tritonserver(\s|$)/],
  ['ray', /(^|\/)(ray\s+start|serve\s+run)|ray\.serve/],
  ['localai', /(^|\/)local-ai(\s|$)/],
  ['sglang', /sglang\.launch_server/],
]

/** Which inference runtime a command line starts, if any. */
export function detectRuntime(commandLine: string): InferenceRuntime | null {
  for (const [runtime, pattern] of RUNTIMES) if (pattern.test(commandLine)) return runtime
  return null
}

/** Splits an ExecStart= value into words (drops systemd prefixes such as - @ + !). */
export function splitExecStart(value: string): string[] {
  const words = [...value.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3])
  if (words[0]) words[0] = words[0].replace(/^[-@+!:]+/, '')
  return words
}

/**
 * Inference services: systemd units whose ExecStart starts a known runtime (read under the
 * root) and, on the live host, processes running one.
 */
export const inferenceProvider: FactProvider<'inference'> = {
  id: 'inference',
  async gather(env, facts) {
    const services: InferenceService[] = []
    for (const unit of (await facts.get('systemd')).units) {
      const exec = unit.sections.Service?.ExecStart?.at(-1)
      if (!exec) continue
      const args = splitExecStart(exec)
      const runtime = detectRuntime(args.join(' '))
      if (!runtime) continue
      const user = unit.sections.Service?.User?.at(-1) ?? (unit.sections.Service?.DynamicUser ? 'dynamic' : 'root')
      services.push({runtime, source: 'unit', location: unit.path, user, environment: unit.environment, args})
    }
    if (!env.live) return services
    let processes
    try {
      processes = await facts.get('processes')
    } catch (error) {
      if (error instanceof FactUnavailableError) return services
      throw error
    }
    for (const proc of processes) {
      const runtime = detectRuntime(proc.args.join(' '))
      if (!runtime) continue
      services.push({
        runtime,
        source: 'process',
        location: `/proc/${proc.pid}`,
        user: proc.uid === null ? null : proc.uid === 0 ? 'root' : String(proc.uid),
        environment: proc.environment ?? {},
        environmentReadable: proc.environment !== null,
        args: proc.args,
      })
    }
    return services
  },
}
