import {defineCheck, guardUnreadable, outcome} from '../check.js'

interface Params {
  group: string
  allowed?: string[]
}

export const check = defineCheck<Params>()({
  id: 'group-members',
  title: 'A privileged group has only allowed members',
  description:
    'Membership of groups such as docker is root-equivalent; lists members from /etc/group and primary groups.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['group'],
    properties: {
      group: {type: 'string', minLength: 1},
      allowed: {type: 'array', items: {type: 'string'}, nullable: true},
    },
  },
  async run({facts, params}) {
    const {users, groups, unreadable} = await facts.get('users')
    const group = groups.find((g) => g.name === params.group)
    if (!group) return guardUnreadable(outcome.notApplicable(`group ${params.group} does not exist`), unreadable)
    const members = new Set([...group.members, ...users.filter((u) => u.gid === group.gid).map((u) => u.name)])
    const extra = [...members].filter((m) => !(params.allowed ?? []).includes(m)).sort()
    const allowed = (params.allowed ?? []).join(', ') || 'none'
    const verdict = extra.length
      ? outcome.fail([`group ${params.group} has members: ${extra.join(', ')}`], '/etc/group')
      : outcome.pass([`group ${params.group} has no members beyond ${allowed}`])
    return guardUnreadable(verdict, unreadable, true)
  },
})
