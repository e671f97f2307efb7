import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

const dpkg = 'Package: unattended-upgrades\nStatus: install ok installed\nVersion: 2.9\n'

describe('auto-updates', () => {
  let on: string
  let off: string
  beforeAll(async () => {
    on = await buildRoot({
      '/var/lib/dpkg/status': dpkg,
      '/etc/apt/apt.conf.d/20auto-upgrades': '// c\nAPT::Periodic::Unattended-Upgrade "1";\n',
    })
    off = await buildRoot({
      '/var/lib/dpkg/status': dpkg,
      '/etc/apt/apt.conf.d/20auto-upgrades': 'APT::Periodic::Unattended-Upgrade "1";\n',
      '/etc/apt/apt.conf.d/99-off': 'APT::Periodic::Unattended-Upgrade "0";\n',
    })
  })
  afterAll(async () => {
    await removeRoot(on)
    await removeRoot(off)
  })

  it('passes with unattended-upgrades enabled, later apt.conf.d files winning', async () => {
    expect((await runCheck('auto-updates', {}, {root: on})).status).toBe('pass')
    const out = await runCheck('auto-updates', {}, {root: off})
    expect(out).toMatchObject({
      status: 'fail',
      evidence: ['APT::Periodic::Unattended-Upgrade "0" (/etc/apt/apt.conf.d/99-off)'],
    })
  })

  it('looks for dnf-automatic on systems without dpkg', async () => {
    const rhel = await buildRoot({
      '/usr/lib/systemd/system/dnf-automatic.timer': '[Timer]\nOnCalendar=daily\n',
      '/etc/systemd/system/timers.target.wants/dnf-automatic.timer': {
        link: '/usr/lib/systemd/system/dnf-automatic.timer',
      },
    })
    const out = await runCheck('auto-updates', {}, {root: rhel})
    await removeRoot(rhel)
    expect(out).toMatchObject({status: 'pass', evidence: ['dnf-automatic.timer is enabled']})
  })
})
