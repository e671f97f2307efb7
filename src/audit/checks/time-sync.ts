import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import {FactUnavailableError} from '../facts/index.js'
import {aptInstall, live, withFix} from '../fixes.js'

/** chrony: Debian's package and unit are `chrony`, RHEL's package `chrony` and unit `chronyd`. */
const chronyFix = (dpkg: boolean) => ({
  commands: dpkg
    ? [aptInstall('chrony'), live('systemctl enable --now chrony')]
    : [live('dnf install -y chrony'), live('systemctl enable --now chronyd')],
})

const UNITS = [
  'chrony.service',
  'chronyd.service',
  'systemd-timesyncd.service',
  'ntp.service',
  'ntpd.service',
  'ntpsec.service',
  'openntpd.service',
]
const DAEMONS = ['chronyd', 'systemd-timesyn', 'ntpd', 'openntpd']

export const check = defineCheck<NoParams>()({
  id: 'time-sync',
  title: 'Clock synchronisation is configured',
  description:
    'One of chrony, systemd-timesyncd, ntpd, ntpsec or openntpd is enabled (or running on a host without systemd).',
  params: NO_PARAMS,
  async run({live, facts}) {
    const {units, running, unreadable} = await facts.get('systemd')
    const enabled = units.filter((u) => UNITS.includes(u.name) && u.enabled)
    // On a live host without systemd as PID 1, "enabled" units never start: look for the daemon.
    if (live && !running) {
      try {
        const daemon = (await facts.get('processes')).find((p) => DAEMONS.includes(p.comm))
        if (daemon) return outcome.pass([`${daemon.comm} is running (pid ${daemon.pid})`])
      } catch (error) {
        if (!(error instanceof FactUnavailableError)) throw error
      }
      return outcome.fail(['no time synchronisation daemon is running (chronyd, systemd-timesyncd, ntpd, openntpd)'])
    }
    const verdict = enabled.length
      ? outcome.pass(
          enabled.map((u) => `${u.name} is enabled`),
          enabled[0].path,
        )
      : withFix(
          outcome.fail([`none of ${UNITS.join(', ')} is enabled`]),
          chronyFix((await facts.get('packages')).source === 'dpkg'),
        )
    return guardUnreadable(verdict, unreadable)
  },
})
