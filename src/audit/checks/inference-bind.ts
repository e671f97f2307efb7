import {isLoopback, servicesOf, withEnvironment} from '../check-helpers.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import type {InferenceRuntime, InferenceService} from '../facts/index.js'

/** Default bind address of each runtime when none is given (from each project's docs). */
const DEFAULT_BIND: Record<InferenceRuntime, string> = {
  ollama: '127.0.0.1',
  vllm: '0.0.0.0',
  'llama.cpp': '127.0.0.1',
  tgi: '0.0.0.0',
  triton: '0.0.0.0',
  ray: '127.0.0.1',
  'lm-studio': '127.0.0.1',
  localai: '0.0.0.0',
  sglang: '127.0.0.1',
}
const HOST_FLAGS = ['--host', '--hostname', '--http-address', '--address']

function flagValue(args: string[], flags: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    for (const flag of flags) {
      if (args[i] === flag && args[i + 1] !== undefined) return args[i + 1]
      if (args[i].startsWith(`${flag}=`)) return args[i].slice(flag.length + 1)
    }
  }
  return null
}

/** The address a service binds: OLLAMA_HOST / LOCALAI_ADDRESS, a --host flag, or the runtime default. */
export function bindAddress(service: InferenceService): {address: string; from: string} {
  const env = service.runtime === 'ollama' ? service.environment.OLLAMA_HOST : service.environment.ADDRESS
  if (env !== undefined && env !== '') {
    const host = env
      .replace(/^https?:\/\//, '')
      .replace(/:\d+$/, '')
      .replace(/^\[|\]$/g, '')
    return {address: host || '0.0.0.0', from: `${service.runtime === 'ollama' ? 'OLLAMA_HOST' : 'ADDRESS'}=${env}`}
  }
  const flag = flagValue(service.args, HOST_FLAGS)
  if (flag !== null) return {address: flag, from: `--host ${flag}`}
  return {address: DEFAULT_BIND[service.runtime], from: `${service.runtime} default`}
}

export const check = defineCheck<NoParams>()({
  id: 'inference-bind',
  title: 'Inference services bind to loopback',
  description: 'Reads the bind address from unit files and process arguments/environment (no connection is made).',
  appliesWhen: ['inference-runtime'],
  params: NO_PARAMS,
  async run({facts}) {
    const {services, unreadable} = await servicesOf(facts)
    const {known, unreadable: hidden} = withEnvironment(services)
    const bad: string[] = []
    const ok: string[] = []
    let location: string | undefined
    for (const service of known) {
      const {address, from} = bindAddress(service)
      const seen = `${service.runtime} (${service.location}) binds ${address} (${from})`
      if (isLoopback(address)) ok.push(seen)
      else {
        bad.push(seen)
        location ??= service.location
      }
    }
    const verdict = bad.length ? outcome.fail(bad, location) : outcome.pass(ok)
    return guardUnreadable(verdict, [...unreadable, ...hidden], true)
  },
})
