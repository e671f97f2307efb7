import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('firewall-persistent', () => {
  let nft: string
  let ufw: string
  let empty: string
  beforeAll(async () => {
    nft = await buildRoot({
      '/lib/systemd/systemd': '',
      '/etc/nftables.conf':
        'table inet f {\n chain input {\n  type filter hook input priority 0; policy accept;\n }\n}\n',
    })
    ufw = await buildRoot({'/etc/ufw/ufw.conf': 'ENABLED=yes\n', '/etc/default/ufw': 'DEFAULT_INPUT_POLICY="DROP"\n'})
    empty = await buildRoot({'/etc/hostname': 'h\n'})
  })
  afterAll(async () => {
    for (const root of [nft, ufw, empty]) await removeRoot(root)
  })

  it('fails for an accept policy that is not enabled', async () => {
    const out = await runCheck('firewall-persistent', {}, {root: nft})
    expect(out).toMatchObject({
      status: 'fail',
      evidence: ['nftables (/etc/nftables.conf): not enabled, inbound default accept'],
    })
  })

  it('passes for an enabled ufw with DROP and fails with nothing configured', async () => {
    expect((await runCheck('firewall-persistent', {}, {root: ufw})).status).toBe('pass')
    expect((await runCheck('firewall-persistent', {}, {root: empty})).evidence[0]).toMatch(/no firewall configuration/)
  })
})
