import {isLoopbackAddress} from '../../core/net.js'
import {boundPorts, runtimeById, type BoundPort} from '../../hardware/index.js'
import {defineCheck, outcome} from '../check.js'
import type {InferenceService} from '../facts/index.js'

/** One evidence line: `ollama (/u) binds 0.0.0.0 (OLLAMA_HOST=…)`, naming the port for multi-port runtimes. */
function describeBind(service: InferenceService, bound: BoundPort): string {
  const port = runtimeById(service.runtime).ports.length > 1 ? ` for port ${bound.port} (${bound.purpose})` : ''
  const address = bound.address ?? 'an unknown address'
  return `${service.runtime} (${service.location}) binds ${address}${port} (${bound.from})`
}

export const check = defineCheck<Record<string, never>>({
  id: 'inference-bind',
  title: 'Inference services bind to loopback',
  description:
    "Reads each service's bind addresses from unit files and process arguments/environment, with the runtime catalog's flags, variables and defaults (no connection is made).",
  appliesWhen: ['inference-runtime'],
  params: {type: 'object', additionalProperties: false, properties: {}},
  async run({facts}) {
    const services = await facts.get('inference')
    const bad: string[] = []
    const unknown: string[] = []
    const ok: string[] = []
    let location: string | undefined
    for (const service of services) {
      for (const bound of boundPorts(service.runtime, service)) {
        const line = describeBind(service, bound)
        if (bound.address === null) unknown.push(line)
        else if (isLoopbackAddress(bound.address)) ok.push(line)
        else {
          bad.push(line)
          location ??= service.location
        }
      }
    }
    if (bad.length) return outcome.fail([...bad, ...unknown], location)
    if (unknown.length) return outcome.error(unknown.join('; '))
    return outcome.pass(ok)
  },
})
