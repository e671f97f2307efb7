import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type CheckOutcome, type NoParams} from '../check.js'
import {configLines, RootReader, type FactCache, type PackagesFact} from '../facts/index.js'

/** The timer that runs unattended-upgrade on a systemd host (apt's apt-daily-upgrade.service). */
const APT_TIMER = 'apt-daily-upgrade.timer'

/** unattended-upgrades and the last APT::Periodic::Unattended-Upgrade of apt.conf.d (later files win). */
async function aptUpdates(reader: RootReader, packages: PackagesFact['packages']): Promise<CheckOutcome> {
  if (!packages.has('unattended-upgrades')) return outcome.fail(['unattended-upgrades is not installed'])
  let setting: {value: string; path: string} | null = null
  for (const file of await reader.dropIns('/etc/apt/apt.conf.d', '')) {
    for (const line of configLines(file.text, /^\s*(#|\/\/)/)) {
      const m = /APT::Periodic::Unattended-Upgrade\s+"(\d+)"/.exec(line)
      if (m) setting = {value: m[1], path: file.path}
    }
  }
  if (setting?.value !== '0' && setting !== null)
    return outcome.pass([`APT::Periodic::Unattended-Upgrade "${setting.value}" (${setting.path})`], setting.path)
  return outcome.fail([
    setting
      ? `APT::Periodic::Unattended-Upgrade "0" (${setting.path})`
      : 'APT::Periodic::Unattended-Upgrade is not set',
  ])
}

/**
 * On a systemd host apt runs unattended-upgrade only from apt-daily-upgrade.timer (apt's
 * /etc/cron.daily/apt-compat exits when systemd is PID 1): a masked, disabled or missing timer
 * means no updates, whatever apt.conf.d says. Null when the timer starts at boot or systemd is not used.
 */
async function timerProblem(facts: FactCache, live: boolean, reader: RootReader): Promise<string | null> {
  const systemd = await facts.get('systemd')
  reader.note(...systemd.unreadable)
  if (!systemd.installed || (live && !systemd.running)) return null
  if (systemd.masked.includes(APT_TIMER)) return `${APT_TIMER} is masked`
  const timer = systemd.units.find((u) => u.name === APT_TIMER)
  if (!timer) return `${APT_TIMER} is not installed`
  return timer.enabled ? null : `${APT_TIMER} is not enabled`
}

export const check = defineCheck<NoParams>()({
  id: 'auto-updates',
  title: 'Security updates are installed automatically',
  description:
    'Debian/Ubuntu: unattended-upgrades with APT::Periodic::Unattended-Upgrade "1" and apt-daily-upgrade.timer enabled, not masked (systemd hosts); RHEL-like: dnf-automatic timer enabled.',
  params: NO_PARAMS,
  async run({root, live, facts}) {
    const reader = new RootReader(root)
    const {source, packages, unreadable} = await facts.get('packages')
    reader.note(...unreadable)
    if (source === 'dpkg') {
      const apt = await aptUpdates(reader, packages)
      const timer = apt.status === 'pass' ? await timerProblem(facts, live, reader) : null
      const verdict = timer ? outcome.fail([timer, ...apt.evidence], apt.location) : apt
      return guardUnreadable(verdict, reader.unreadable)
    }
    const systemd = await facts.get('systemd')
    reader.note(...systemd.unreadable)
    const timer = systemd.units.find((u) => /^dnf-automatic(-install)?\.timer$/.test(u.name) && u.enabled)
    const verdict = timer
      ? outcome.pass([`${timer.name} is enabled`], timer.path)
      : outcome.fail(['no automatic update mechanism found (unattended-upgrades, dnf-automatic)'])
    return guardUnreadable(verdict, reader.unreadable)
  },
})
