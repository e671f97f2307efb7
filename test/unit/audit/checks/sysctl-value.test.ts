import {readFileSync} from 'node:fs'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {configuredSysctl} from '../../../../src/audit/checks/sysctl-value.js'
import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('sysctl-value', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/usr/lib/sysctl.d/50-default.conf': 'kernel.kptr_restrict = 0\n',
      '/etc/sysctl.d/60-llmsec.conf': 'kernel.kptr_restrict = 2\nkernel/unprivileged_bpf_disabled=1\n',
    })
  })
  afterAll(() => removeRoot(root))

  it('reads sysctl.d under --root, later files winning, slash or dot keys', async () => {
    expect(await configuredSysctl(root, 'kernel.kptr_restrict')).toEqual({
      value: '2',
      file: '/etc/sysctl.d/60-llmsec.conf',
    })
    const bpf = await runCheck('sysctl-value', {key: 'kernel.unprivileged_bpf_disabled', values: ['1', '2']}, {root})
    expect(bpf.status).toBe('pass')
    const missing = await runCheck('sysctl-value', {key: 'fs.suid_dumpable', values: ['0']}, {root})
    expect(missing.status).toBe('fail')
    expect(missing.evidence[0]).toMatch(/not set/)
  })

  it('reads the running kernel on the live host', async () => {
    const actual = readFileSync('/proc/sys/kernel/ostype', 'utf8').trim()
    expect((await runCheck('sysctl-value', {key: 'kernel.ostype', values: [actual]})).status).toBe('pass')
    expect((await runCheck('sysctl-value', {key: 'kernel.ostype', values: ['Plan9']})).status).toBe('fail')
    expect((await runCheck('sysctl-value', {key: 'kernel.no_such_key', values: ['1']})).status).toBe('skip')
  })
})
