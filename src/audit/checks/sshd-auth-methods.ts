import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import {effectiveValue, probeConnections} from '../facts/index.js'
import {live, withFix} from '../fixes.js'

/**
 * The method lists of an AuthenticationMethods value that complete with a single method (or one
 * method twice, such as two public keys): sshd_config(5) lets a client pass any one list.
 */
function singleFactorLists(value: string): string[] {
  if (value.trim().toLowerCase() === 'any') return ['any']
  return value
    .split(/\s+/)
    .filter(Boolean)
    .filter((list) => new Set(list.split(',').map((m) => m.split(':')[0].toLowerCase())).size < 2)
}

export const check = defineCheck<NoParams>()({
  id: 'sshd-auth-methods',
  title: 'SSH log-in needs two authentication methods',
  description:
    'For every connection sshd distinguishes, AuthenticationMethods is set and each of its lists names at least two different methods (publickey,keyboard-interactive); `any` (the default) or a one-method list fails.',
  limits:
    'That the second method is a second factor: keyboard-interactive and password go through PAM, which must ask for a one-time code (pam_google_authenticator, pam_u2f) rather than the same password; read from the files, not `sshd -T`.',
  appliesWhen: ['ssh-server'],
  params: NO_PARAMS,
  async run({facts}) {
    const sshd = await facts.get('sshd')
    const lines: string[] = []
    const bad: string[] = []
    for (const c of probeConnections(sshd.directives, 'AuthenticationMethods')) {
      const d = effectiveValue(sshd.directives, 'AuthenticationMethods', c)
      const value = d?.value ?? 'any'
      const from = d ? d.where : 'sshd default'
      const single = singleFactorLists(value)
      const line = `AuthenticationMethods ${value} for user ${c.user} from ${c.addr} (${from})`
      if (single.length) bad.push(`${line}; ${single.join(', ')} completes with one method`)
      else lines.push(line)
    }
    const where = sshd.path ?? undefined
    const verdict = bad.length
      ? withFix(outcome.fail([...bad, ...lines], where), {
          steps: [
            'set up a second factor in PAM for sshd first (for example libpam-google-authenticator, with KbdInteractiveAuthentication yes), then set "AuthenticationMethods publickey,keyboard-interactive" at the top of the sshd configuration; keep a root session open while testing',
          ],
          commands: [live('sshd -t'), live('systemctl reload ssh')],
        })
      : outcome.pass(lines, where)
    return guardUnreadable(verdict, sshd.unreadable)
  },
})
