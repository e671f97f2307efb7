import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {systemShellFiles} from '../check-helpers.js'
import {configLines, RootReader, type TextFile} from '../facts/index.js'
import {withFix} from '../fixes.js'

interface Params {
  /** Most seconds an idle shell may stay open. */
  max: number
}

const FIX_PATH = '/etc/profile.d/llmsec-tmout.sh'

/** What the files do with TMOUT: every assignment, and where it is made readonly and exported. */
interface Seen {
  assignments: {value: string; where: string}[]
  readonly: string[]
  exported: string[]
}

/**
 * Reads TMOUT statements line by line: `TMOUT=N`, `readonly|export|declare -r|-x|typeset … TMOUT[=N]`,
 * several statements on a line split at `;`. Comments are skipped.
 */
function readTmout(files: TextFile[]): Seen {
  const seen: Seen = {assignments: [], readonly: [], exported: []}
  for (const file of files) {
    const lines = file.text.split('\n')
    lines.forEach((raw, i) => {
      if (!configLines(raw).length) return
      const where = `${file.path}:${i + 1}`
      for (const statement of raw.replace(/\s#.*$/, '').split(/;|&&/)) {
        const m =
          /^\s*(?:(readonly|export|declare|typeset|local)((?:\s+-[a-zA-Z]+)*)\s+)?(?:\S+\s+)*?TMOUT(?:=(\S*))?\s*$/.exec(
            statement,
          )
        if (!m) continue
        const [, keyword, flags = '', value] = m
        if (value !== undefined) seen.assignments.push({value: value.replace(/^(["'])(.*)\1$/, '$2'), where})
        if (keyword === 'readonly' || (/declare|typeset/.test(keyword ?? '') && /-\w*r/.test(flags)))
          seen.readonly.push(where)
        if (keyword === 'export' || (/declare|typeset/.test(keyword ?? '') && /-\w*x/.test(flags)))
          seen.exported.push(where)
      }
    })
  }
  return seen
}

export const check = defineCheck<Params>()({
  id: 'shell-timeout',
  title: 'Idle shells time out (TMOUT)',
  description:
    'Every TMOUT assignment in /etc/profile, /etc/bash.bashrc and /etc/profile.d/*.sh is between 1 and max seconds, and TMOUT is made readonly and exported there.',
  limits:
    'Only bash-compatible shells that read these files: a shell started with --noprofile, zsh or fish, a tmux or screen session, or a desktop session is not timed out; statements inside conditions are counted as if they always ran.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['max'],
    properties: {max: {type: 'integer', minimum: 1}},
  },
  async run({root, params}) {
    const reader = new RootReader(root)
    const seen = readTmout(await systemShellFiles(reader))
    const fix = {
      edits: [{op: 'write' as const, path: FIX_PATH, content: `TMOUT=${params.max}\nreadonly TMOUT\nexport TMOUT\n`}],
      steps: [] as string[],
    }
    if (!seen.assignments.length)
      return guardUnreadable(
        withFix(outcome.fail(['TMOUT is not set in /etc/profile, /etc/bash.bashrc or /etc/profile.d/*.sh']), fix),
        reader.unreadable,
      )
    const bad = seen.assignments.filter(
      (a) => !/^\d+$/.test(a.value) || Number(a.value) < 1 || Number(a.value) > params.max,
    )
    const problems = bad.map((a) => `${a.where}: TMOUT=${a.value}; expected 1 to ${params.max} seconds`)
    if (!seen.readonly.length) problems.push('TMOUT is not readonly (a user can unset it)')
    if (!seen.exported.length) problems.push('TMOUT is not exported (subshells do not inherit it)')
    fix.steps = bad
      .filter((a) => !a.where.startsWith(`${FIX_PATH}:`))
      .map((a) => `remove TMOUT=${a.value} at ${a.where}`)
    const lines = [
      ...seen.assignments.filter((a) => !bad.includes(a)).map((a) => `${a.where}: TMOUT=${a.value}`),
      ...seen.readonly.map((w) => `readonly at ${w}`),
      ...seen.exported.map((w) => `exported at ${w}`),
    ]
    const where = (bad[0] ?? seen.assignments[0]).where.replace(/:\d+$/, '')
    const verdict = problems.length
      ? withFix(outcome.fail([...problems, ...lines], where), fix)
      : outcome.pass(lines, where)
    return guardUnreadable(verdict, reader.unreadable)
  },
})
