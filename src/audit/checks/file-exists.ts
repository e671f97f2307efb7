import {defineCheck, outcome} from '../check.js'
import {statIn, whyUnreadable} from '../facts/index.js'

interface Params {
  path: string
  expect?: 'present' | 'absent'
}

export const check = defineCheck<Params>()({
  id: 'file-exists',
  title: 'A file is present (or absent)',
  description: 'Checks that a path exists, or that it does not, under the audited root.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: {type: 'string', pattern: '^/'},
      expect: {type: 'string', enum: ['present', 'absent'], nullable: true},
    },
  },
  async run({root, params}) {
    const read = await statIn(root, params.path)
    if (read.state === 'unreadable') return outcome.unreadable([whyUnreadable(read)])
    const exists = read.state === 'present'
    const want = params.expect ?? 'present'
    const seen = `${params.path} ${exists ? 'exists' : 'does not exist'}`
    return (want === 'present') === exists ? outcome.pass([seen], params.path) : outcome.fail([seen], params.path)
  },
})
