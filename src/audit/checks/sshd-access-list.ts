import {append} from '../../core/arrays.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import {effectiveValue, probeConnections, type SshdConnection} from '../facts/index.js'
import {live, withFix} from '../fixes.js'

const KEYS = ['AllowUsers', 'AllowGroups']

/** A list that names everyone (`*`, `*@*`) is no restriction. */
const restricts = (value: string) => value.split(/\s+/).some((p) => p !== '' && !/^\*(@\*)?$/.test(p))

const who = (c: SshdConnection) => `user ${c.user} from ${c.addr}`

export const check = defineCheck<NoParams>()({
  id: 'sshd-access-list',
  title: 'sshd admits only listed users or groups',
  description:
    'For every connection sshd distinguishes (the global section and each Match block that sets them), AllowUsers or AllowGroups is set to a list that is not just `*`.',
  limits:
    'Who is on the list, or whether they should be; read from the files (not `sshd -T`), so an sshd started with other -o options is not seen.',
  appliesWhen: ['ssh-server'],
  params: NO_PARAMS,
  async run({facts}) {
    const sshd = await facts.get('sshd')
    const connections = KEYS.flatMap((k) => probeConnections(sshd.directives, k))
    const unique = [...new Map(connections.map((c) => [JSON.stringify(c), c])).values()]
    const lines: string[] = []
    const open: string[] = []
    for (const c of unique) {
      const set = KEYS.map((k) => ({k, d: effectiveValue(sshd.directives, k, c)})).filter(
        (x) => x.d && restricts(x.d.value),
      )
      if (set.length)
        append(
          lines,
          set.map(({k, d}) => `${k} ${d!.value} for ${who(c)} (${d!.where})`),
        )
      else
        open.push(
          `neither AllowUsers nor AllowGroups restricts ${who(c)}: every account with a key or password may log in`,
        )
    }
    const where = sshd.path ?? undefined
    const verdict = open.length
      ? withFix(outcome.fail([...open, ...lines], where), {
          steps: [
            `add "AllowGroups <group>" for the group of users who may log in over SSH at the top of ${sshd.path ?? '/etc/ssh/sshd_config'} (llmsec cannot know who they are)`,
          ],
          commands: [live('sshd -t'), live('systemctl reload ssh')],
        })
      : outcome.pass(lines, where)
    return guardUnreadable(verdict, sshd.unreadable)
  },
})
