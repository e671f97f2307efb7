import {append} from '../../core/arrays.js'
import type {UserEntry} from '../../hardware/index.js'
import {defineCheck, guardUnreadable, outcome, type CheckOutcome} from '../check.js'
import type {GroupEntry, ShadowEntry} from '../facts/index.js'
import {live, withFix} from '../fixes.js'

/** The consistency tests, one per rule. */
export const TESTS = [
  'single-uid0',
  'root-gid0',
  'unique-uids',
  'unique-gids',
  'unique-user-names',
  'unique-group-names',
  'groups-exist',
  'shadow-group-empty',
  'no-empty-passwords',
  'system-shells',
  'locked-without-shell',
] as const
type Test = (typeof TESTS)[number]

interface Params {
  test: Test
}

/** Shells that refuse a log-in (CIS: what /etc/shells does not list as a log-in shell). */
const NO_LOGIN = /\/(nologin|false)$/
/** System accounts whose shell is a single command by design (Debian's base-passwd). */
const COMMAND_SHELLS: Record<string, string> = {sync: '/bin/sync', shutdown: '/sbin/shutdown', halt: '/sbin/halt'}
const MAX_LISTED = 20

interface Accounts {
  users: UserEntry[]
  groups: GroupEntry[]
  shadow: ShadowEntry[]
  uidMin: number
}

/** Values that occur more than once, with what holds them: `uid 0: root, toor`. */
function duplicates<T>(items: T[], key: (item: T) => string, name: (item: T) => string, label: string): string[] {
  const by = new Map<string, string[]>()
  for (const item of items) by.set(key(item), [...(by.get(key(item)) ?? []), name(item)])
  return [...by].filter(([, names]) => names.length > 1).map(([k, names]) => `${label} ${k}: ${names.join(', ')}`)
}

const isSystem = (u: UserEntry, uidMin: number) => u.uid < uidMin && u.name !== 'root'
const lockedPassword = (p: string) => p.startsWith('!') || p.startsWith('*')

/** Findings of one test (empty: it holds), and a fix where one is mechanical. */
function findings(test: Test, a: Accounts): {bad: string[]; commands?: string[]} {
  switch (test) {
    case 'single-uid0':
      return {bad: a.users.filter((u) => u.uid === 0 && u.name !== 'root').map((u) => `${u.name} has UID 0`)}
    case 'root-gid0': {
      const root = a.users.find((u) => u.name === 'root')
      const bad = a.groups.filter((g) => g.gid === 0 && g.name !== 'root').map((g) => `group ${g.name} has GID 0`)
      if (root && root.gid !== 0) bad.push(`root's primary GID is ${root.gid}, not 0`)
      append(
        bad,
        a.users
          .filter((u) => u.gid === 0 && u.name !== 'root' && !COMMAND_SHELLS[u.name])
          .map((u) => `${u.name} has primary GID 0`),
      )
      return {bad}
    }
    case 'unique-uids':
      return {
        bad: duplicates(
          a.users,
          (u) => String(u.uid),
          (u) => u.name,
          'UID',
        ),
      }
    case 'unique-gids':
      return {
        bad: duplicates(
          a.groups,
          (g) => String(g.gid),
          (g) => g.name,
          'GID',
        ),
      }
    case 'unique-user-names':
      return {
        bad: duplicates(
          a.users,
          (u) => u.name,
          (u) => `UID ${u.uid}`,
          'user',
        ),
      }
    case 'unique-group-names':
      return {
        bad: duplicates(
          a.groups,
          (g) => g.name,
          (g) => `GID ${g.gid}`,
          'group',
        ),
      }
    case 'groups-exist': {
      const gids = new Set(a.groups.map((g) => g.gid))
      return {bad: a.users.filter((u) => !gids.has(u.gid)).map((u) => `${u.name}'s GID ${u.gid} is not in /etc/group`)}
    }
    case 'shadow-group-empty': {
      const shadow = a.groups.find((g) => g.name === 'shadow')
      if (!shadow) return {bad: []}
      const bad = shadow.members.map((m) => `${m} is a member of group shadow`)
      append(
        bad,
        a.users.filter((u) => u.gid === shadow.gid).map((u) => `${u.name}'s primary group is shadow`),
      )
      return {bad}
    }
    case 'no-empty-passwords': {
      const empty = a.shadow.filter((s) => s.password === '')
      return {
        bad: empty.map((s) => `${s.name} has an empty password`),
        commands: empty.map((s) => `passwd -l ${s.name}`),
      }
    }
    case 'system-shells': {
      const open = a.users.filter(
        (u) => isSystem(u, a.uidMin) && !NO_LOGIN.test(u.shell) && COMMAND_SHELLS[u.name] !== u.shell,
      )
      return {
        bad: open.map(
          (u) => `system account ${u.name} (UID ${u.uid}) has the log-in shell ${u.shell || '(empty: /bin/sh)'}`,
        ),
        commands: open.map((u) => `usermod -s /usr/sbin/nologin ${u.name}`),
      }
    }
    case 'locked-without-shell': {
      const passwords = new Map(a.shadow.map((s) => [s.name, s.password]))
      const open = a.users.filter(
        (u) => u.name !== 'root' && NO_LOGIN.test(u.shell) && !lockedPassword(passwords.get(u.name) ?? '!'),
      )
      return {
        bad: open.map((u) => `${u.name} has no log-in shell but an unlocked password`),
        commands: open.map((u) => `usermod -L ${u.name}`),
      }
    }
  }
}

const needsShadow = (test: Test) => test === 'no-empty-passwords' || test === 'locked-without-shell'

export const check = defineCheck<Params>()({
  id: 'account-database',
  title: 'The account databases are consistent',
  limits:
    'The local files only (/etc/passwd, /etc/group, /etc/shadow): accounts from LDAP, SSSD or NIS are not seen, nor whether passwords are strong.',
  /**
   * One test of /etc/passwd, /etc/group and /etc/shadow (only the password field is kept):
   * a single UID 0, GID 0 for root only, no duplicate UIDs, GIDs or names, primary groups that
   * exist, an empty shadow group, no empty passwords, system accounts (below UID_MIN) without a
   * log-in shell, and accounts without a shell locked. An unreadable or empty database never passes.
   */
  description:
    'One consistency test of passwd, group and shadow: single UID 0, root GID 0, duplicates, primary groups, shadow group, empty passwords, system account shells.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['test'],
    properties: {test: {type: 'string', enum: [...TESTS]}},
  },
  async run({facts, params}) {
    const {users, groups, unreadable} = await facts.get('users')
    const shadow = await facts.get('shadow')
    const inputs = [...unreadable, ...(needsShadow(params.test) ? shadow.unreadable : [])]
    let verdict: CheckOutcome
    if (inputs.length) return outcome.unreadable(inputs)
    if (!users.length) verdict = outcome.error('/etc/passwd has no accounts (absent or empty)')
    else if (needsShadow(params.test) && !shadow.present)
      verdict = outcome.error('/etc/shadow does not exist: password fields cannot be judged')
    else {
      const {bad, commands = []} = findings(params.test, {users, groups, shadow: shadow.entries, uidMin: shadow.uidMin})
      const shown = [
        ...bad.slice(0, MAX_LISTED),
        ...(bad.length > MAX_LISTED ? [`… and ${bad.length - MAX_LISTED} more`] : []),
      ]
      verdict = bad.length
        ? withFix(outcome.fail(shown, '/etc/passwd'), {
            commands: commands.map(live),
            steps: commands.length
              ? []
              : [
                  'decide which account or group keeps the id or name, then change or remove the others (usermod, groupmod, userdel)',
                ],
          })
        : outcome.pass([`${users.length} accounts and ${groups.length} groups checked (${params.test})`], '/etc/passwd')
    }
    return guardUnreadable(verdict, inputs)
  },
})
