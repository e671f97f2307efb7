import {isLoopbackAddress} from '../../core/net.js'
import {listInferencePorts} from '../../hardware/index.js'
import {PORTS_PARAM} from '../check-helpers.js'
import {defineCheck, outcome} from '../check.js'

interface Params {
  /** Default: every default port of the runtime catalog. */
  ports?: number[]
}

export const check = defineCheck<Params>()({
  id: 'listener-exposure',
  title: 'Inference ports listen on loopback only',
  description:
    'Reads listening sockets of the running host; a listed port (default: every default port of the runtime catalog) bound to a non-loopback address fails.',
  live: true,
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ports: PORTS_PARAM,
    },
  },
  async run({facts, params}) {
    const known = new Map(listInferencePorts().map((p) => [p.port, p.service]))
    const ports = params.ports ?? [...known.keys()]
    const sockets = (await facts.get('sockets')).filter((s) => s.protocol.startsWith('tcp') && ports.includes(s.port))
    const describe = (s: (typeof sockets)[number]) => {
      const owner = [s.process && `${s.process}, pid ${s.pid}`, known.get(s.port)].filter(Boolean).join('; ')
      return `${s.address}:${s.port}/${s.protocol}${owner ? ` (${owner})` : ''}`
    }
    const exposed = sockets.filter((s) => !isLoopbackAddress(s.address))
    if (exposed.length) return outcome.fail(exposed.map((s) => `${describe(s)} is reachable from the network`))
    if (!sockets.length) return outcome.pass([`nothing listens on ports ${ports.join(', ')}`])
    return outcome.pass(sockets.map((s) => `${describe(s)} is loopback only`))
  },
})
