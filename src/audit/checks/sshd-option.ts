import {defineCheck, guardUnreadable, outcome} from '../check.js'

interface Params {
  option: string
  values: string[]
  default: string
}

export const check = defineCheck<Params>()({
  id: 'sshd-option',
  title: 'An sshd option has a hardened value',
  description:
    'Reads sshd_config and its Include files; the first value wins, as in sshd; unset options take their sshd default.',
  appliesWhen: ['ssh-server'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['option', 'values', 'default'],
    properties: {
      option: {type: 'string', pattern: '^[A-Za-z]+$'},
      values: {type: 'array', minItems: 1, items: {type: 'string'}},
      default: {type: 'string'},
    },
  },
  async run({facts, params}) {
    const sshd = await facts.get('sshd')
    const set = sshd.options.get(params.option.toLowerCase())
    const value = set ?? params.default
    const seen = `${params.option} ${value}${set === undefined ? ' (sshd default)' : ''}`
    const ok = params.values.map((v) => v.toLowerCase()).includes(value.toLowerCase())
    const verdict = ok
      ? outcome.pass([seen], sshd.path ?? undefined)
      : outcome.fail([`${seen}; expected ${params.values.join(' or ')}`], sshd.path ?? undefined)
    return guardUnreadable(verdict, sshd.unreadable)
  },
})
