import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('journald-persistent', () => {
  let auto: string
  let dropIn: string
  beforeAll(async () => {
    auto = await buildRoot({
      '/etc/systemd/journald.conf': '[Journal]\n#Storage=auto\n',
      '/var/log/journal': {dir: 0o755},
    })
    dropIn = await buildRoot({
      '/etc/systemd/journald.conf': '[Journal]\nStorage=persistent\n',
      '/etc/systemd/journald.conf.d/volatile.conf': '[Journal]\nStorage=volatile\n',
    })
  })
  afterAll(async () => {
    await removeRoot(auto)
    await removeRoot(dropIn)
  })

  it('treats Storage=auto with /var/log/journal as persistent', async () => {
    expect((await runCheck('journald-persistent', {}, {root: auto})).status).toBe('pass')
  })

  it('lets a drop-in override the main file', async () => {
    const out = await runCheck('journald-persistent', {}, {root: dropIn})
    expect(out.status).toBe('fail')
    expect(out.evidence[0]).toMatch(/^Storage=volatile \(\/etc\/systemd\/journald\.conf\.d\/volatile\.conf\)/)
  })
})
