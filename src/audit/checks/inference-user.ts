import {servicesOf} from '../check-helpers.js'
import {withFix} from '../fixes.js'
import {userFix} from '../service-fixes.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'

export const check = defineCheck<NoParams>()({
  id: 'inference-user',
  title: 'Inference services do not run as root',
  description: 'Reads User= of inference units and, on the running host, the uid of inference processes.',
  appliesWhen: ['inference-runtime'],
  params: NO_PARAMS,
  async run({facts}) {
    const {services, unreadable} = await servicesOf(facts)
    const root = services.filter((s) => s.user === 'root' || s.user === '0')
    const other = services.filter((s) => !root.includes(s))
    const describe = (s: (typeof services)[number]) =>
      `${s.runtime} (${s.location}) runs as ${s.user ?? 'unknown user'}`
    const verdict = root.length
      ? withFix(outcome.fail(root.map(describe), root[0].location), await userFix(facts, root))
      : outcome.pass(other.map(describe))
    return guardUnreadable(verdict, unreadable, true)
  },
})
