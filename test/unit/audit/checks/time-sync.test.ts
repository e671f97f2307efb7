import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('time-sync', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/lib/systemd/system/systemd-timesyncd.service': '[Service]\nExecStart=/lib/systemd/systemd-timesyncd\n',
      '/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service': {
        link: '/lib/systemd/system/systemd-timesyncd.service',
      },
    })
  })
  afterAll(() => removeRoot(root))

  it('passes when a time sync unit is enabled under the root', async () => {
    expect(await runCheck('time-sync', {}, {root})).toMatchObject({
      status: 'pass',
      evidence: ['systemd-timesyncd.service is enabled'],
    })
  })

  it('on a live host without systemd, looks for a running daemon', async () => {
    const systemd = {installed: true, running: false, units: []}
    const processes = [{pid: 7, comm: 'chronyd', args: ['/usr/sbin/chronyd'], uid: 0, environment: null}]
    const out = await runCheck('time-sync', {}, {live: true, facts: {systemd, processes}})
    expect(out).toMatchObject({status: 'pass', evidence: ['chronyd is running (pid 7)']})
    expect((await runCheck('time-sync', {}, {live: true, facts: {systemd, processes: []}})).status).toBe('fail')
  })
})
