import {defineCheck, outcome} from '../check.js'
import {configLines, readDropIns} from '../facts/index.js'

export const check = defineCheck<Record<string, never>>({
  id: 'auto-updates',
  title: 'Security updates are installed automatically',
  description:
    'Debian/Ubuntu: unattended-upgrades with APT::Periodic::Unattended-Upgrade "1"; RHEL-like: dnf-automatic timer enabled.',
  params: {type: 'object', additionalProperties: false, properties: {}},
  async run({root, facts}) {
    const {source, packages} = await facts.get('packages')
    if (source === 'dpkg') {
      if (!packages.has('unattended-upgrades')) return outcome.fail(['unattended-upgrades is not installed'])
      const conf = await readDropIns(root, '/etc/apt/apt.conf.d', '')
      let setting: {value: string; path: string} | null = null
      for (const file of conf) {
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
    const {units} = await facts.get('systemd')
    const timer = units.find((u) => /^dnf-automatic(-install)?\.timer$/.test(u.name) && u.enabled)
    if (timer) return outcome.pass([`${timer.name} is enabled`], timer.path)
    return outcome.fail(['no automatic update mechanism found (unattended-upgrades, dnf-automatic)'])
  },
})
