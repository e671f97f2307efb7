import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type CheckOutcome, type NoParams} from '../check.js'
import {configLines, RootReader, type FactCache, type PackagesFact} from '../facts/index.js'
import {aptInstall, live as liveCommand, withFix, type Fix} from '../fixes.js'

/**
 * The apt side of the fix: the package, and APT::Periodic settings in a file named to sort after
 * the others (apt.conf(5): files in apt.conf.d are read in name order, the last setting wins).
 */
function aptFix(installed: boolean): Partial<Fix> {
  const content = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n'
  return {
    edits: [{op: 'write', path: '/etc/apt/apt.conf.d/99llmsec-auto-upgrades', content}],
    commands: installed ? [] : [aptInstall('unattended-upgrades')],
  }
}

const timerFix = (problem: string): Partial<Fix> => ({
  commands: [
    ...(problem.endsWith('masked') ? [liveCommand(`systemctl unmask ${APT_TIMER}`)] : []),
    liveCommand(`systemctl enable --now ${APT_TIMER}`),
  ],
})

/** The timer that runs unattended-upgrade on a systemd host (apt's apt-daily-upgrade.service). */
const APT_TIMER = 'apt-daily-upgrade.timer'

/** unattended-upgrades and the last APT::Periodic::Unattended-Upgrade of apt.conf.d (later files win). */
async function aptUpdates(reader: RootReader, packages: PackagesFact['packages']): Promise<CheckOutcome> {
  if (!packages.has('unattended-upgrades'))
    return withFix(outcome.fail(['unattended-upgrades is not installed']), aptFix(false))
  let setting: {value: string; path: string} | null = null
  for (const file of await reader.dropIns('/etc/apt/apt.conf.d', '')) {
    for (const line of configLines(file.text, /^\s*(#|\/\/)/)) {
      const m = /APT::Periodic::Unattended-Upgrade\s+"(\d+)"/.exec(line)
      if (m) setting = {value: m[1], path: file.path}
    }
  }
  if (setting?.value !== '0' && setting !== null)
    return outcome.pass([`APT::Periodic::Unattended-Upgrade "${setting.value}" (${setting.path})`], setting.path)
  const unset = setting
    ? `APT::Periodic::Unattended-Upgrade "0" (${setting.path})`
    : 'APT::Periodic::Unattended-Upgrade is not set'
  return withFix(outcome.fail([unset]), aptFix(true))
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
      const verdict = timer ? withFix(outcome.fail([timer, ...apt.evidence], apt.location), timerFix(timer)) : apt
      return guardUnreadable(verdict, reader.unreadable)
    }
    const systemd = await facts.get('systemd')
    reader.note(...systemd.unreadable)
    const timer = systemd.units.find((u) => /^dnf-automatic(-install)?\.timer$/.test(u.name) && u.enabled)
    const verdict = timer
      ? outcome.pass([`${timer.name} is enabled`], timer.path)
      : withFix(outcome.fail(['no automatic update mechanism found (unattended-upgrades, dnf-automatic)']), {
          commands: [
            liveCommand('dnf install -y dnf-automatic'),
            liveCommand('systemctl enable --now dnf-automatic-install.timer'),
          ],
        })
    return guardUnreadable(verdict, reader.unreadable)
  },
})
