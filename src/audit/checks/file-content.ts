import {defineCheck, outcome} from '../check.js'
import {readTextIn, whyUnreadable} from '../facts/index.js'
import {firstMatch} from '../rule-regex.js'

interface Params {
  path: string
  pattern: string
  expect?: 'match' | 'no-match'
  missing?: 'not-applicable' | 'fail'
}

export const check = defineCheck<Params>()({
  id: 'file-content',
  title: 'A file matches (or does not match) a pattern',
  limits: "Only whether the pattern matches the file's text; nothing beyond the pattern is understood.",
  description:
    'Searches a file with a regular expression (RE2 syntax, multiline mode: linear time, no lookaround or backreferences).',
  regexParams: ['pattern'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'pattern'],
    properties: {
      path: {type: 'string', pattern: '^/'},
      pattern: {type: 'string', minLength: 1},
      expect: {type: 'string', enum: ['match', 'no-match'], nullable: true},
      missing: {type: 'string', enum: ['not-applicable', 'fail'], nullable: true},
    },
  },
  async run({root, params}) {
    const read = await readTextIn(root, params.path)
    if (read.state === 'unreadable') return outcome.unreadable([whyUnreadable(read)])
    if (read.state === 'absent') {
      const missing = params.missing ?? 'not-applicable'
      const seen = `${params.path} does not exist`
      return missing === 'not-applicable' ? outcome.notApplicable(seen) : outcome.fail([seen], params.path)
    }
    const match = firstMatch(params.pattern, read.value)
    const seen =
      match !== null
        ? `${params.path}: matched "${match.trim().slice(0, 120)}"`
        : `${params.path}: no line matches /${params.pattern}/`
    const ok = (params.expect ?? 'match') === 'match' ? match !== null : match === null
    return ok ? outcome.pass([seen], params.path) : outcome.fail([seen], params.path)
  },
})
