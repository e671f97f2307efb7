import {defineCheck, guardUnreadable, outcome, type CheckOutcome} from '../check.js'
import type {UnitFile} from '../facts/index.js'

interface Params {
  units: string[]
  state: 'enabled' | 'active' | 'disabled'
}

function judgeEnablement(units: UnitFile[], params: Params): CheckOutcome {
  const found = units.filter((u) => params.units.includes(u.name))
  const enabled = found.filter((u) => u.enabled)
  const listed = enabled.map((u) => `${u.name} is enabled (${u.path})`)
  if (params.state === 'disabled')
    return enabled.length
      ? outcome.fail(listed, enabled[0].path)
      : outcome.pass([`${params.units.join(', ')}: not enabled`])
  if (enabled.length) return outcome.pass(listed, enabled[0].path)
  const present = found.map((u) => `${u.name} is installed but not enabled`)
  return outcome.fail(present.length ? present : [`none of ${params.units.join(', ')} is installed`])
}

export const check = defineCheck<Params>()({
  id: 'systemd-unit',
  title: 'A systemd unit is enabled, active or disabled',
  limits:
    'Whether systemd would start the unit as its files stand; a service started another way (cron, a shell, a container) or a unit changed after the audit is not seen.',
  description:
    'With several units, one of them suffices (for enabled/active) or all must comply (disabled). "active" needs the running host.',
  appliesWhen: ['systemd'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['units', 'state'],
    properties: {
      units: {
        type: 'array',
        minItems: 1,
        items: {type: 'string', pattern: '^[\\w@.:-]+\\.(service|socket|timer|mount|target)$'},
      },
      state: {type: 'string', enum: ['enabled', 'active', 'disabled']},
    },
  },
  async run({facts, params}) {
    if (params.state === 'active') {
      const active = await facts.get('systemd.active')
      const on = params.units.filter((u) => active.has(u))
      if (on.length) return outcome.pass(on.map((u) => `${u} is active`))
      return outcome.fail([`none of ${params.units.join(', ')} is active`])
    }
    const {units, unreadable} = await facts.get('systemd')
    return guardUnreadable(judgeEnablement(units, params), unreadable)
  },
})
