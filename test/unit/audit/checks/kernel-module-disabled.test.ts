import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('kernel-module-disabled', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({'/etc/modprobe.d/x.conf': 'install usb-storage /bin/false\nblacklist firewire_core\n'})
  })
  afterAll(() => removeRoot(root))

  it('accepts install /bin/false and blacklist, normalising - and _', async () => {
    const out = await runCheck('kernel-module-disabled', {modules: ['usb_storage', 'firewire-core']}, {root})
    expect(out.status).toBe('pass')
    expect(out.evidence).toHaveLength(2)
  })

  it('fails for a module that is not disabled', async () => {
    const out = await runCheck('kernel-module-disabled', {modules: ['usb-storage', 'cramfs']}, {root})
    expect(out.status).toBe('fail')
    expect(out.evidence[0]).toBe('cramfs is not disabled in modprobe.d')
  })
})
