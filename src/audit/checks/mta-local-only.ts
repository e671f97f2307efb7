import {isLoopbackAddress} from '../../core/net.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type CheckOutcome, type NoParams} from '../check.js'
import {RootReader} from '../facts/index.js'
import {live as liveCommand, withFix, type Fix} from '../fixes.js'
import {readConfigValue} from './config-value.js'

const SMTP_PORTS = [25, 465, 587]
const LOOPBACK_NAMES = new Set(['loopback-only', 'localhost', 'lo'])
const isLocal = (address: string) => LOOPBACK_NAMES.has(address) || isLoopbackAddress(address.replace(/^\[|\]$/g, ''))

interface Mta {
  name: string
  file: string
  /** The configured listen addresses (as written). */
  interfaces: string[]
  fix: Partial<Fix>
}

/** postfix main.cf inet_interfaces (default all); exim4's Debian dc_local_interfaces (empty: every interface). */
async function configuredMtas(reader: RootReader): Promise<Mta[]> {
  const mtas: Mta[] = []
  const postfix = await reader.text('/etc/postfix/main.cf')
  if (postfix !== null) {
    const value = readConfigValue(postfix, 'inet_interfaces', '=', false) ?? 'all'
    mtas.push({
      name: 'postfix',
      file: '/etc/postfix/main.cf',
      interfaces: value.split(/[\s,]+/).filter(Boolean),
      fix: {
        edits: [
          {op: 'set', path: '/etc/postfix/main.cf', syntax: 'equals', key: 'inet_interfaces', value: 'loopback-only'},
        ],
        commands: [liveCommand('systemctl restart postfix')],
      },
    })
  }
  const exim = await reader.text('/etc/exim4/update-exim4.conf.conf')
  if (exim !== null) {
    const value = readConfigValue(exim, 'dc_local_interfaces', '=', false) ?? ''
    mtas.push({
      name: 'exim4',
      file: '/etc/exim4/update-exim4.conf.conf',
      interfaces: value
        .split(';')
        .map((a) => a.trim())
        .filter(Boolean),
      fix: {
        edits: [
          {
            op: 'set',
            path: '/etc/exim4/update-exim4.conf.conf',
            syntax: 'equals',
            key: 'dc_local_interfaces',
            value: "'127.0.0.1 ; ::1'",
          },
        ],
        commands: [liveCommand('update-exim4.conf'), liveCommand('systemctl restart exim4')],
      },
    })
  }
  return mtas
}

function judgeConfigured(mtas: Mta[]): CheckOutcome {
  if (!mtas.length) return outcome.pass(['no mail transfer agent is configured (postfix, exim4)'])
  const open = mtas.filter((m) => !m.interfaces.length || m.interfaces.some((a) => !isLocal(a)))
  const seen = mtas.map((m) => `${m.name} listens on ${m.interfaces.join(', ') || 'every interface'} (${m.file})`)
  if (!open.length) return outcome.pass(seen, mtas[0].file)
  const fix = {edits: open.flatMap((m) => m.fix.edits ?? []), commands: open.flatMap((m) => m.fix.commands ?? [])}
  return withFix(outcome.fail(seen, open[0].file), fix)
}

export const check = defineCheck<NoParams>()({
  id: 'mta-local-only',
  title: 'The mail transfer agent accepts mail from this host only',
  limits:
    "postfix and exim4 settings and, on the running host, listeners on ports 25, 465 and 587; other MTAs' settings and mail relayed by local programs are not judged.",
  description:
    'postfix inet_interfaces and exim4 dc_local_interfaces name loopback addresses only; on the running host nothing listens on ports 25, 465 or 587 beyond loopback.',
  params: NO_PARAMS,
  async run({root, live, facts}) {
    const reader = new RootReader(root)
    const verdict = judgeConfigured(await configuredMtas(reader))
    if (!live || verdict.status !== 'pass') return guardUnreadable(verdict, reader.unreadable, true)
    const exposed = (await facts.get('sockets')).filter(
      (s) => s.protocol.startsWith('tcp') && SMTP_PORTS.includes(s.port) && !isLoopbackAddress(s.address),
    )
    if (!exposed.length) return guardUnreadable(verdict, reader.unreadable)
    const lines = exposed.map((s) => `${s.process ?? 'a process'} listens on ${s.address}:${s.port}`)
    const fix = {steps: ['bind the listed mail server to 127.0.0.1 and ::1 in its configuration, then restart it']}
    return guardUnreadable(withFix(outcome.fail([...lines, ...verdict.evidence]), fix), reader.unreadable, true)
  },
})
