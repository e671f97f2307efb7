import {isLoopbackAddress} from '../../core/net.js'
import {boundPorts, runtimeById, type BoundPort} from '../../hardware/index.js'
import {servicesOf} from '../check-helpers.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import type {InferenceService, Unreadable} from '../facts/index.js'
import {append} from '../../core/arrays.js'

/** One evidence line: `ollama (/u) binds 0.0.0.0 (OLLAMA_HOST=…)`, naming the port for multi-port runtimes. */
function describeBind(service: InferenceService, bound: BoundPort): string {
  const port = runtimeById(service.runtime).ports.length > 1 ? ` for port ${bound.port} (${bound.purpose})` : ''
  return `${service.runtime} (${service.location}) binds ${bound.address}${port} (${bound.from})`
}

export const check = defineCheck<NoParams>()({
  id: 'inference-bind',
  title: 'Inference services bind to loopback',
  description:
    "Reads each service's bind addresses from unit files and process arguments/environment, with the runtime catalog's flags, variables and defaults (no connection is made).",
  appliesWhen: ['inference-runtime'],
  params: NO_PARAMS,
  async run({facts}) {
    const {services, unreadable} = await servicesOf(facts)
    const gaps: Unreadable[] = [...unreadable]
    const bad: string[] = []
    const ok: string[] = []
    let location: string | undefined
    for (const service of services) {
      // An unread environment hides only the binds a variable could set; a flag still decides.
      const start = {...service, environmentReadable: service.unreadable.length === 0}
      for (const bound of boundPorts(service.runtime, start)) {
        if (bound.address === null)
          append(
            gaps,
            service.unreadable.filter((u) => !gaps.includes(u)),
          )
        else if (isLoopbackAddress(bound.address)) ok.push(describeBind(service, bound))
        else {
          bad.push(describeBind(service, bound))
          location ??= service.location
        }
      }
    }
    const verdict = bad.length ? outcome.fail(bad, location) : outcome.pass(ok)
    return guardUnreadable(verdict, gaps, true)
  },
})
