import {defineCheck, outcome} from '../check.js'

export const check = defineCheck<Record<string, never>>({
  id: 'inference-user',
  title: 'Inference services do not run as root',
  description: 'Reads User= of inference units and, on the running host, the uid of inference processes.',
  appliesWhen: ['inference-runtime'],
  params: {type: 'object', additionalProperties: false, properties: {}},
  async run({facts}) {
    const services = await facts.get('inference')
    const root = services.filter((s) => s.user === 'root' || s.user === '0')
    const other = services.filter((s) => !root.includes(s))
    const describe = (s: (typeof services)[number]) =>
      `${s.runtime} (${s.location}) runs as ${s.user ?? 'unknown user'}`
    if (root.length) return outcome.fail(root.map(describe), root[0].location)
    return outcome.pass(other.map(describe))
  },
})
