import {excessBits, parseMode} from '../check-helpers.js'
import {withFix} from '../fixes.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {formatMode} from '../facts/index.js'

interface Params {
  maxMode?: string
}

export const check = defineCheck<Params>()({
  id: 'secret-files',
  title: 'Token and key files are readable only by their owner',
  description:
    'Hugging Face tokens, Ollama keys and environment files of inference services must not be group- or world-readable.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {maxMode: {type: 'string', pattern: '^0?[0-7]{3,4}$', nullable: true}},
  },
  early: true,
  async run({facts, params}) {
    const {files, unreadable} = await facts.get('secrets')
    const max = parseMode(params.maxMode ?? '0600')
    const bad = files.filter((s) => excessBits(s.mode, max))
    const describe = (s: (typeof files)[number]) => `${s.path} (${s.kind}) mode ${formatMode(s.mode)}`
    const verdict = bad.length
      ? withFix(
          outcome.fail(
            bad.map((s) => `${describe(s)}: allowed at most ${formatMode(max)}`),
            bad[0].path,
          ),
          {
            edits: bad.map((s) => ({op: 'chmod' as const, path: s.path, mode: formatMode(s.mode & 0o7777 & max)})),
            steps: ['rotate every token or key that was readable by others: it may have been copied'],
          },
        )
      : outcome.pass(files.length ? files.map(describe) : ['no token, key or service environment files found'])
    return guardUnreadable(verdict, unreadable, true)
  },
})
