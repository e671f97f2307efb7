import {RUNTIME_IDS, type RuntimeId} from '../../hardware/index.js'
import {servicesOf} from '../check-helpers.js'
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
      runtimes: {
        type: 'array',
        items: {
          type: 'string',
          enum: RUNTIME_IDS,
        },
        nullable: true,
      },
    },
  },
  async run({facts, params}) {
    const {services, unreadable} = await servicesOf(facts, params.runtimes)
    if (!services.length)
      return guardUnreadable(outcome.skip(`no ${params.runtimes?.join('/') ?? 'inference'} service found`), unreadable)
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
