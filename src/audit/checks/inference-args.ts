import type {RuntimeId} from '../../hardware/index.js'
import {noServices, RUNTIMES_PARAM, servicesOf} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'

interface Params {
  forbidden: string[]
  runtimes?: RuntimeId[]
}

export const check = defineCheck<Params>()({
  id: 'inference-args',
  title: 'Inference services are not started with dangerous flags',
  description:
    'Reads ExecStart= of inference units and the arguments of inference processes (e.g. --trust-remote-code).',
  appliesWhen: ['inference-runtime'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['forbidden'],
    properties: {
      forbidden: {type: 'array', minItems: 1, items: {type: 'string', pattern: '^-'}},
      runtimes: RUNTIMES_PARAM,
    },
  },
  async run({facts, params}) {
    const {services, unreadable} = await servicesOf(facts, params.runtimes)
    if (!services.length) return noServices(params.runtimes, unreadable)
    const bad: string[] = []
    let location: string | undefined
    for (const s of services) {
      const flags = s.args.filter((a) => params.forbidden.some((f) => a === f || a.startsWith(`${f}=`)))
      if (flags.length) {
        bad.push(`${s.runtime} (${s.location}) is started with ${flags.join(' ')}`)
        location ??= s.location
      }
    }
    const verdict = bad.length
      ? outcome.fail(bad, location)
      : outcome.pass([`${services.length} inference services, none started with ${params.forbidden.join(', ')}`])
    return guardUnreadable(verdict, unreadable, true)
  },
})
