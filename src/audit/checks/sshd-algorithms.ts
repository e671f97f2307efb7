import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {effectiveValue, matchPattern, probeConnections, type SshdDirective} from '../facts/index.js'
import {live, withFix} from '../fixes.js'

interface Params {
  option: 'Ciphers' | 'MACs' | 'KexAlgorithms'
  /** Algorithm names or sshd wildcard patterns (`*-cbc`) that must not be offered. */
  forbidden: string[]
  /** The list sshd offers when the option is unset (its compiled-in default). */
  default: string[]
}

/**
 * The list an algorithm option yields (sshd_config(5)): `+list` appends to the default, `-list`
 * removes the entries matching its patterns, `^list` puts the entries first; else the list replaces it.
 */
function algorithmList(value: string, defaults: string[]): string[] {
  const items = value
    .slice(/^[-+^]/.test(value) ? 1 : 0)
    .split(',')
    .filter(Boolean)
  switch (value[0]) {
    case '+':
      return [...defaults, ...items.filter((a) => !defaults.includes(a))]
    case '-':
      return defaults.filter((a) => !items.some((p) => matchPattern(a, p)))
    case '^':
      return [...items, ...defaults.filter((a) => !items.includes(a))]
    default:
      return items
  }
}

const offered = (directives: SshdDirective[], params: Params, c: Parameters<typeof effectiveValue>[2]) => {
  const d = effectiveValue(directives, params.option, c)
  const value = d?.value.split(/\s+/)[0]
  return {
    list: value ? algorithmList(value, params.default) : params.default,
    from: d ? (d.match ? `${d.match.text} at ${d.where}` : d.where) : 'sshd default',
  }
}

export const check = defineCheck<Params>()({
  id: 'sshd-algorithms',
  title: 'sshd offers no weak algorithm',
  limits:
    'The algorithm lists sshd builds from its files; not what a client negotiates, the strength of the host keys, or an sshd started with other options.',
  /**
   * The effective Ciphers, MACs or KexAlgorithms list, as sshd builds it from the files (Include
   * in place, the first value wins, +/-/^ relative to the default), for the global section and for
   * each Match block that sets it; read from the files on the running host too.
   */
  description:
    'The effective Ciphers, MACs or KexAlgorithms list (Include in place, first value wins, +/-/^ against the default) has no forbidden algorithm.',
  appliesWhen: ['ssh-server'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['option', 'forbidden', 'default'],
    properties: {
      option: {type: 'string', enum: ['Ciphers', 'MACs', 'KexAlgorithms']},
      forbidden: {type: 'array', minItems: 1, items: {type: 'string', pattern: '^[A-Za-z0-9@.*?-]+$'}},
      default: {type: 'array', minItems: 1, items: {type: 'string', pattern: '^[A-Za-z0-9@.-]+$'}},
    },
  },
  async run({facts, params}) {
    const sshd = await facts.get('sshd')
    const bad: string[] = []
    const ok: string[] = []
    let kept: string[] = []
    for (const c of probeConnections(sshd.directives, params.option)) {
      const {list, from} = offered(sshd.directives, params, c)
      const weak = list.filter((a) => params.forbidden.some((p) => matchPattern(a, p)))
      const who = `for user ${c.user} from ${c.addr} (${from})`
      if (weak.length) {
        bad.push(`${params.option} ${who} offers ${weak.join(', ')}`)
        if (!kept.length) kept = list.filter((a) => !weak.includes(a))
      } else ok.push(`${params.option} ${who}: ${list.join(',')}`)
    }
    const where = sshd.path ?? undefined
    const strong = kept.length ? kept : params.default.filter((a) => !params.forbidden.some((p) => matchPattern(a, p)))
    const files = [
      ...new Set(
        sshd.directives.filter((d) => d.key === params.option.toLowerCase()).map((d) => d.where.replace(/:\d+$/, '')),
      ),
    ]
    if (sshd.path && !sshd.directives.some((d) => d.key === params.option.toLowerCase() && d.match === null))
      files.unshift(sshd.path)
    const verdict = bad.length
      ? withFix(outcome.fail([...bad, ...ok], where), {
          edits: files.map((path) => ({
            op: 'set' as const,
            path,
            syntax: 'sshd' as const,
            key: params.option,
            value: strong.join(','),
          })),
          commands: [live('sshd -t'), live('systemctl reload ssh')],
        })
      : outcome.pass(ok, where)
    return guardUnreadable(verdict, sshd.unreadable)
  },
})
