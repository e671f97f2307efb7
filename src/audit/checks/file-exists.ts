import {defineCheck, outcome} from '../check.js'
import {statIn} from '../facts/index.js'

interface Params {
  path: string
  expect?: 'present' | 'absent'
}

export const check = defineCheck<Params>({
  id: 'file-exists',
  title: 'A file is present (or absent)',
  description: 'Checks that a path exists, or that it does not, under the audited root.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {path: {type: 'string', pattern: '^/'}, expect: {enum: ['present', 'absent']}},
  },
  async run({root, params}) {
    const exists = (await statIn(root, params.path)) !== null
    const want = params.expect ?? 'present'
    const seen = `${params.path} ${exists ? 'exists' : 'does not exist'}`
    return (want === 'present') === exists ? outcome.pass([seen], params.path) : outcome.fail([seen], params.path)
  },
})
