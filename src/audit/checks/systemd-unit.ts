import {defineCheck, outcome} from '../check.js'

interface Params {
  units: string[]
  state: 'enabled' | 'active' | 'disabled'
}

export const check = defineCheck<Params>({
  id: 'systemd-unit',
  title: 'A systemd unit is enabled, active or disabled',
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
      state: {enum: ['enabled', 'active', 'disabled']},
    },
  },
  async run({facts, params}) {
    const {units} = await facts.get('systemd')
    if (params.state === 'active') {
      const active = await facts.get('systemd.active')
      const on = params.units.filter((u) => active.has(u))
      if (on.length) return outcome.pass(on.map((u) => `${u} is active`))
      return outcome.fail([`none of ${params.units.join(', ')} is active`])
    }
    const found = units.filter((u) => params.units.includes(u.name))
    const enabled = found.filter((u) => u.enabled)
    if (params.state === 'disabled') {
      if (enabled.length)
        return outcome.fail(
          enabled.map((u) => `${u.name} is enabled (${u.path})`),
          enabled[0].path,
        )
      return outcome.pass([`${params.units.join(', ')}: not enabled`])
    }
    if (enabled.length)
      return outcome.pass(
        enabled.map((u) => `${u.name} is enabled (${u.path})`),
        enabled[0].path,
      )
    const present = found.map((u) => `${u.name} is installed but not enabled`)
    return outcome.fail(present.length ? present : [`none of ${params.units.join(', ')} is installed`])
  },
})
