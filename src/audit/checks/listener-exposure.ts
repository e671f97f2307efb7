import {isLoopback} from '../check-helpers.js'
import {defineCheck, outcome} from '../check.js'

interface Params {
  ports: number[]
}

export const check = defineCheck<Params>()({
  id: 'listener-exposure',
  title: 'Inference ports listen on loopback only',
  description: 'Reads listening sockets of the running host; a listed port bound to a non-loopback address fails.',
  live: true,
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['ports'],
    properties: {ports: {type: 'array', minItems: 1, items: {type: 'integer', minimum: 1, maximum: 65535}}},
  },
  async run({facts, params}) {
    const sockets = (await facts.get('sockets')).filter(
      (s) => s.protocol.startsWith('tcp') && params.ports.includes(s.port),
    )
    const describe = (s: (typeof sockets)[number]) =>
      `${s.address}:${s.port}/${s.protocol}${s.process ? ` (${s.process}, pid ${s.pid})` : ''}`
    const exposed = sockets.filter((s) => !isLoopback(s.address))
    if (exposed.length) return outcome.fail(exposed.map((s) => `${describe(s)} is reachable from the network`))
    if (!sockets.length) return outcome.pass([`nothing listens on ports ${params.ports.join(', ')}`])
    return outcome.pass(sockets.map((s) => `${describe(s)} is loopback only`))
  },
})
