import {defineCheck, outcome} from '../check.js'
import {FactUnavailableError} from '../facts/index.js'

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

export const check = defineCheck<Record<string, never>>({
  id: 'time-sync',
  title: 'Clock synchronisation is configured',
  description:
    'One of chrony, systemd-timesyncd, ntpd, ntpsec or openntpd is enabled (or running on a host without systemd).',
  params: {type: 'object', additionalProperties: false, properties: {}},
  async run({live, facts}) {
    const {units, running} = await facts.get('systemd')
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
    if (enabled.length)
      return outcome.pass(
        enabled.map((u) => `${u.name} is enabled`),
        enabled[0].path,
      )
    return outcome.fail([`none of ${UNITS.join(', ')} is enabled`])
  },
})
