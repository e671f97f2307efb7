import {defineCheck, outcome} from '../check.js'
import {readTextIn, whyUnreadable} from '../facts/index.js'
import {firstMatch} from '../rule-regex.js'

interface Params {
  path: string
  pattern: string
  expect?: 'match' | 'no-match'
  missing?: 'not-applicable' | 'fail'
  /** With expect match: these must match as well, each somewhere in the file (a notice naming several things). */
  alsoMatch?: string[]
}

export const check = defineCheck<Params>()({
  id: 'file-content',
  title: 'A file matches (or does not match) a pattern',
  limits: "Only whether the pattern matches the file's text; nothing beyond the pattern is understood.",
  description:
    'Searches a file with a regular expression (RE2 syntax, multiline mode: linear time, no lookaround or backreferences).',
  regexParams: ['pattern', 'alsoMatch'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'pattern'],
    properties: {
      path: {type: 'string', pattern: '^/'},
      pattern: {type: 'string', minLength: 1},
      expect: {type: 'string', enum: ['match', 'no-match'], nullable: true},
      missing: {type: 'string', enum: ['not-applicable', 'fail'], nullable: true},
      alsoMatch: {type: 'array', items: {type: 'string', minLength: 1}, maxItems: 16, nullable: true},
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
    if ((params.expect ?? 'match') === 'no-match')
      return match === null ? outcome.pass([seen], params.path) : outcome.fail([seen], params.path)
    const absent = (params.alsoMatch ?? []).filter((pattern) => firstMatch(pattern, read.value) === null)
    const missing = absent.map((pattern) => `${params.path}: no line matches /${pattern}/`)
    return match !== null && absent.length === 0
      ? outcome.pass([seen], params.path)
      : outcome.fail(match === null ? [seen, ...missing] : missing, params.path)
  },
})
