import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import {configLines, RootReader, type TextFile, type UnitFile} from '../facts/index.js'
import {withFix} from '../fixes.js'

/** rsyslog.conf(5): a legacy `selector @host` / `@@host` action or an omfwd/omrelp action(). */
const RSYSLOG_FORWARD =
  /^\S+\s+(?:-?:omrelp:|@@?)(\[[^\]]+\]|[\w.-]+)|\baction\s*\([^)]*type\s*=\s*"om(?:fwd|relp)"[^)]*target\s*=\s*"([^"]+)"/
/** syslog-ng.conf(5): a network(), syslog(), tcp() or udp() destination driver. */
const SYSLOG_NG_FORWARD = /\b(?:network|syslog|tcp6?|udp6?)\s*\(\s*"?([\w.:[\]-]+)"?/

interface Forwarder {
  daemon: string
  unit: string
  /** Where it forwards, `file: target`. */
  targets: string[]
}

function targets(files: TextFile[], pattern: RegExp, where: (m: RegExpExecArray) => string | undefined): string[] {
  return files.flatMap((f) =>
    configLines(f.text).flatMap((line) => {
      const m = pattern.exec(line)
      const target = m && where(m)
      return target ? [`${f.path}: ${target}`] : []
    }),
  )
}

async function forwarders(reader: RootReader): Promise<Forwarder[]> {
  const rsyslog = [...(await reader.dropIns('/etc/rsyslog.d'))]
  const main = await reader.text('/etc/rsyslog.conf')
  if (main !== null) rsyslog.unshift({path: '/etc/rsyslog.conf', text: main})
  const ng = [...(await reader.dropIns('/etc/syslog-ng/conf.d'))]
  const ngMain = await reader.text('/etc/syslog-ng/syslog-ng.conf')
  if (ngMain !== null) ng.unshift({path: '/etc/syslog-ng/syslog-ng.conf', text: ngMain})
  const ngDest = ng.map((f) => ({
    path: f.path,
    text: f.text
      .split('\n')
      .filter((l) => /^\s*destination\b/.test(l) || SYSLOG_NG_FORWARD.test(l))
      .join('\n'),
  }))
  const upload = [...(await reader.dropIns('/etc/systemd/journal-upload.conf.d'))]
  const uploadMain = await reader.text('/etc/systemd/journal-upload.conf')
  if (uploadMain !== null) upload.unshift({path: '/etc/systemd/journal-upload.conf', text: uploadMain})
  return [
    {daemon: 'rsyslog', unit: 'rsyslog.service', targets: targets(rsyslog, RSYSLOG_FORWARD, (m) => m[1] ?? m[2])},
    {daemon: 'syslog-ng', unit: 'syslog-ng.service', targets: targets(ngDest, SYSLOG_NG_FORWARD, (m) => m[1])},
    {
      daemon: 'systemd-journal-upload',
      unit: 'systemd-journal-upload.service',
      targets: targets(upload, /^URL\s*=\s*(\S+)/, (m) => m[1]),
    },
  ]
}

const enabled = (units: UnitFile[], name: string) => units.some((u) => u.name === name && u.enabled)

export const check = defineCheck<NoParams>()({
  id: 'log-forwarding',
  title: 'Logs are forwarded to a remote collector',
  limits:
    'That a remote target is configured and its service enabled; not that the collector is reachable, receives every record or keeps it.',
  description:
    'rsyslog (@host, @@host, omfwd/omrelp actions), syslog-ng (network/syslog/tcp/udp destinations) or systemd-journal-upload (URL=) names a remote target, and its service is enabled.',
  params: NO_PARAMS,
  async run({root, facts}) {
    const reader = new RootReader(root)
    const systemd = await facts.get('systemd')
    reader.note(...systemd.unreadable)
    const found = (await forwarders(reader)).filter((f) => f.targets.length)
    const active = found.filter((f) => !systemd.installed || enabled(systemd.units, f.unit))
    const evidence = found.flatMap((f) => f.targets.map((t) => `${f.daemon} forwards to ${t}`))
    if (active.length) return guardUnreadable(outcome.pass(evidence), reader.unreadable)
    const idle = found.map((f) => `${f.daemon} is configured to forward but ${f.unit} is not enabled`)
    const verdict = outcome.fail(
      found.length
        ? [...idle, ...evidence]
        : ['no rsyslog, syslog-ng or journal-upload configuration forwards logs to another host'],
    )
    const steps = [
      'choose the collector, then add /etc/rsyslog.d/60-forward.conf with `*.* @@COLLECTOR:514` (or an omfwd action with TLS) and enable rsyslog; or set URL= in /etc/systemd/journal-upload.conf and enable systemd-journal-upload',
    ]
    return guardUnreadable(withFix(verdict, {steps}), reader.unreadable)
  },
})
