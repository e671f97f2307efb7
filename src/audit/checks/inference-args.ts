import {RUNTIME_IDS, type RuntimeId} from '../../hardware/index.js'
import {servicesOf} from '../check-helpers.js'
import {defineCheck, outcome} from '../check.js'

interface Params {
  forbidden: string[]
  runtimes?: RuntimeId[]
}

export const check = defineCheck<Params>({
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
      runtimes: {type: 'array', items: {enum: RUNTIME_IDS}},
    },
  },
  async run({facts, params}) {
    const services = await servicesOf(facts, params.runtimes)
    if (!services.length) return outcome.skip(`no ${params.runtimes?.join('/') ?? 'inference'} service found`)
    const bad: string[] = []
    let location: string | undefined
    for (const s of services) {
      const flags = s.args.filter((a) => params.forbidden.some((f) => a === f || a.startsWith(`${f}=`)))
      if (flags.length) {
        bad.push(`${s.runtime} (${s.location}) is started with ${flags.join(' ')}`)
        location ??= s.location
      }
    }
    if (bad.length) return outcome.fail(bad, location)
    return outcome.pass([`${services.length} inference services, none started with ${params.forbidden.join(', ')}`])
  },
})
