import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('systemd-unit', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/lib/systemd/systemd': '',
      '/lib/systemd/system/chrony.service': '[Service]\nExecStart=/usr/sbin/chronyd\n',
      '/lib/systemd/system/apport.service': '[Service]\nExecStart=/usr/bin/apport\n',
      '/etc/systemd/system/multi-user.target.wants/chrony.service': {link: '/lib/systemd/system/chrony.service'},
    })
  })
  afterAll(() => removeRoot(root))

  it('sees enabled units through .wants symlinks', async () => {
    const out = await runCheck('systemd-unit', {units: ['chronyd.service', 'chrony.service'], state: 'enabled'}, {root})
    expect(out.status).toBe('pass')
    expect(out.location).toBe('/lib/systemd/system/chrony.service')
    const off = await runCheck('systemd-unit', {units: ['apport.service'], state: 'enabled'}, {root})
    expect(off).toMatchObject({status: 'fail', evidence: ['apport.service is installed but not enabled']})
  })

  it('checks that units are disabled', async () => {
    expect((await runCheck('systemd-unit', {units: ['apport.service'], state: 'disabled'}, {root})).status).toBe('pass')
    expect((await runCheck('systemd-unit', {units: ['chrony.service'], state: 'disabled'}, {root})).status).toBe('fail')
  })

  it('needs the running host for "active" (skip reason comes from the fact)', async () => {
    await expect(runCheck('systemd-unit', {units: ['chrony.service'], state: 'active'}, {root})).rejects.toThrow(
      /--root/,
    )
    const live = await runCheck(
      'systemd-unit',
      {units: ['chrony.service'], state: 'active'},
      {
        root,
        live: true,
        facts: {'systemd.active': new Set(['chrony.service'])},
      },
    )
    expect(live.status).toBe('pass')
  })
})
