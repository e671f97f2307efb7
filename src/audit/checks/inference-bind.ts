import {isLoopbackAddress} from '../../core/net.js'
import {boundPorts, runtimeById, type BoundPort} from '../../hardware/index.js'
import {servicesOf} from '../check-helpers.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import type {InferenceService, Unreadable} from '../facts/index.js'
import {append} from '../../core/arrays.js'
import {withFix} from '../fixes.js'
import {bindFix} from '../service-fixes.js'

/** One evidence line: `ollama (/u) binds 0.0.0.0 (OLLAMA_HOST=…)`, naming the port for multi-port runtimes. */
function describeBind(service: InferenceService, bound: BoundPort): string {
  const port = runtimeById(service.runtime).ports.length > 1 ? ` for port ${bound.port} (${bound.purpose})` : ''
  return `${service.runtime} (${service.location}) binds ${bound.address}${port} (${bound.from})`
}

/**
 * Where a container's server is reachable from: its published ports (`-p 8000:8000` and `-P`
 * publish on every host address, docker-run(1)); with `--network host` the server's own bind decides.
 */
function containerBinds(service: InferenceService): {line: string; loopback: boolean}[] | null {
  const c = service.container
  if (!c || c.network === 'host') return null
  const where = `${service.runtime} (${service.location}, container ${c.image})`
  if (c.publishAll) return [{line: `${where} publishes every exposed port on all addresses (-P)`, loopback: false}]
  if (!c.publish.length) return [{line: `${where} publishes no port to the host`, loopback: true}]
  return c.publish.map((p) => {
    const host = p.hostIp === '' ? '0.0.0.0' : p.hostIp
    const line = `${where} publishes ${host}:${p.hostPort || p.containerPort} → ${p.containerPort}`
    return {line, loopback: isLoopbackAddress(host)}
  })
}

export const check = defineCheck<NoParams>()({
  id: 'inference-bind',
  title: 'Inference services bind to loopback',
  description:
    "Reads each service's bind addresses from unit files and process arguments/environment, with the runtime catalog's flags, variables and defaults; a container's published ports (-p, -P; --network host: the server's own bind). No connection is made.",
  appliesWhen: ['inference-runtime'],
  params: NO_PARAMS,
  async run({facts}) {
    const {services, unreadable} = await servicesOf(facts)
    const gaps: Unreadable[] = [...unreadable]
    const bad: string[] = []
    const ok: string[] = []
    const exposed = new Set<InferenceService>()
    let location: string | undefined
    for (const service of services) {
      const published = containerBinds(service)
      if (published) {
        for (const p of published) (p.loopback ? ok : bad).push(p.line)
        if (published.some((p) => !p.loopback)) {
          location ??= service.location
          exposed.add(service)
        }
        continue
      }
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
          exposed.add(service)
        }
      }
    }
    const verdict = bad.length
      ? withFix(outcome.fail(bad, location), await bindFix(facts, [...exposed]))
      : outcome.pass(ok)
    return guardUnreadable(verdict, gaps, true)
  },
})
