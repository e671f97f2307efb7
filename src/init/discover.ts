import {createFactCache, listBuiltInRulesets} from '../audit/index.js'
import {stat} from 'node:fs/promises'
import {coreError, describeError} from '../core/errors.js'

/** What `llmsec init` found on the host (or under --root) to offer as defaults. */
export interface Discovered {
  modelDirs: string[]
  endpoints: {url: string; runtime: string; from: string}[]
  rulesets: string[]
  /** Why a part could not be discovered (shown as a note, never fatal). */
  notes: string[]
}

/** The parts of an audit inference-service fact that init reads. */
export interface InferenceService {
  runtime: string
  location: string
  args: string[]
  environment: Record<string, string>
}

const DEFAULT_PORTS: Record<string, number> = {
  ollama: 11434,
  vllm: 8000,
  tgi: 8080,
  'llama.cpp': 8080,
  triton: 8000,
  ray: 8000,
  localai: 8080,
  sglang: 30000,
}

function argValue(args: string[], name: string): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (arg === name) return args[i + 1]
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1)
  }
  return undefined
}

/** The loopback URL a service answers on (a 0.0.0.0 bind is reached through 127.0.0.1 too). */
export function endpointOf(service: InferenceService): string {
  let host = argValue(service.args, '--host') ?? '127.0.0.1'
  let port = argValue(service.args, '--port') ?? String(DEFAULT_PORTS[service.runtime] ?? 8000)
  const ollamaHost = service.runtime === 'ollama' ? service.environment.OLLAMA_HOST : undefined
  if (ollamaHost) {
    const match = /^(?:https?:\/\/)?(\[[^\]]+\]|[^:/]*)(?::(\d+))?/.exec(ollamaHost)
    host = match?.[1] || host
    port = match?.[2] ?? port
  }
  if (host === '0.0.0.0' || host === '::' || host === '[::]' || host === '') host = '127.0.0.1'
  return `http://${host}:${port}`
}

/**
 * Finds model directories and inference runtimes with the audit's fact providers (units under the
 * root and, on the live host, processes) and the built-in rulesets.
 */
export async function discoverSetup(options: {root?: string} = {}): Promise<Discovered> {
  if (options.root && !(await stat(options.root).catch(() => null))?.isDirectory())
    throw coreError('INPUT_NOT_FOUND', `--root ${options.root} is not a directory; pass the mounted root filesystem.`)
  const facts = createFactCache({root: options.root ?? '/'})
  const notes: string[] = []
  let modelDirs: string[] = []
  let services: InferenceService[] = []
  try {
    modelDirs = (await facts.get('models')).dirs.map((d) => d.path)
  } catch (error) {
    notes.push(`model directories not searched: ${describeError(error)}`)
  }
  try {
    services = await facts.get('inference')
  } catch (error) {
    notes.push(`inference runtimes not searched: ${describeError(error)}`)
  }
  const endpoints = new Map<string, Discovered['endpoints'][number]>()
  for (const service of services) {
    const url = endpointOf(service)
    if (!endpoints.has(url)) endpoints.set(url, {url, runtime: service.runtime, from: service.location})
  }
  return {modelDirs, endpoints: [...endpoints.values()], rulesets: await listBuiltInRulesets(), notes}
}
