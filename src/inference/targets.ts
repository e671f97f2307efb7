import type {LlmsecConfig} from '../core/config.js'
import {usageError} from '../core/errors.js'
import {isLoopbackAddress, isWildcardAddress} from '../core/net.js'
import {runtimeById, type RuntimeId} from '../hardware/index.js'
import type {EndpointTarget} from './inference.types.js'
import {normaliseBaseUrl} from './openai-client.js'

export type ResolvedTarget = {kind: 'endpoint'; target: EndpointTarget} | {kind: 'gguf'; path: string}

/** The part of an inventory runtime smoke needs (src/hardware's InferenceRuntime fits it). */
export interface RuntimeLike {
  kind: RuntimeId
  listening: {address: string; port: number; protocol: string}[]
}

export interface SmokeTargetsInput {
  endpoint?: string
  gguf?: string
  apiKey?: string
  model?: string
  timeoutMs?: number
  insecure?: boolean
  config: LlmsecConfig
  env?: Record<string, string | undefined>
  /** Runtimes found on this host (llmsec inventory); used only with neither --endpoint nor --gguf. */
  runtimes?: RuntimeLike[]
}

/** The loopback host that reaches a listener, or null when the listener is not on this host only. */
function loopbackHost(address: string): string | null {
  if (isWildcardAddress(address)) return address.includes(':') ? '[::1]' : '127.0.0.1'
  if (!isLoopbackAddress(address)) return null
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address
}

/**
 * Local URLs of the runtimes' listening TCP sockets. A wildcard bind is reached through
 * loopback, so smoke never sends traffic off this host for discovered runtimes.
 */
export function endpointsFromRuntimes(runtimes: RuntimeLike[]): string[] {
  const urls = new Set<string>()
  for (const runtime of runtimes) {
    if (!runtimeById(runtime.kind).openaiApi) continue
    for (const socket of runtime.listening) {
      const host = socket.protocol.startsWith('tcp') ? loopbackHost(socket.address) : null
      if (host) urls.add(`http://${host}:${socket.port}`)
    }
  }
  return [...urls]
}

/**
 * Decides what smoke tests: --endpoint, else --gguf, else the config file's endpoints and
 * the runtimes found on this host. Both flags at once, or nothing to test, is a usage error.
 */
export function resolveSmokeTargets(input: SmokeTargetsInput): ResolvedTarget[] {
  const env = input.env ?? {}
  if (input.endpoint && input.gguf) {
    throw usageError('Give either --endpoint or --gguf, not both.')
  }
  const common = {timeoutMs: input.timeoutMs, insecure: input.insecure}
  if (input.gguf) return [{kind: 'gguf', path: input.gguf}]
  if (input.endpoint) {
    const baseUrl = normaliseBaseUrl(input.endpoint)
    return [{kind: 'endpoint', target: {baseUrl, apiKey: input.apiKey, model: input.model, ...common}}]
  }
  const targets: ResolvedTarget[] = []
  const seen = new Set<string>()
  for (const entry of input.config.endpoints ?? []) {
    const baseUrl = normaliseBaseUrl(entry.url)
    seen.add(baseUrl)
    const apiKey = entry.apiKeyEnv ? env[entry.apiKeyEnv] : input.apiKey
    targets.push({kind: 'endpoint', target: {baseUrl, apiKey, model: entry.model ?? input.model, ...common}})
  }
  for (const url of endpointsFromRuntimes(input.runtimes ?? [])) {
    const baseUrl = normaliseBaseUrl(url)
    if (seen.has(baseUrl)) continue
    seen.add(baseUrl)
    targets.push({kind: 'endpoint', target: {baseUrl, apiKey: input.apiKey, model: input.model, ...common}})
  }
  if (targets.length === 0) {
    throw usageError(
      'Nothing to smoke-test: no --endpoint, no --gguf, no endpoints in the config file and no running inference server found.',
      ['llmsec smoke --endpoint http://127.0.0.1:8000, or list endpoints under `endpoints:` in llmsec.yaml.'],
    )
  }
  return targets
}
