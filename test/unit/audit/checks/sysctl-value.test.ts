import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {check, configuredSysctl} from '../../../../src/audit/checks/sysctl-value.js'
import {RootReader} from '../../../../src/audit/facts/index.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

const files = {
  '/usr/lib/sysctl.d/50-default.conf': 'kernel.kptr_restrict = 0\n',
  '/etc/sysctl.d/60-llmsec.conf': 'kernel.kptr_restrict = 2\nkernel/unprivileged_bpf_disabled=1\n',
}
const ostype = readFileSync('/proc/sys/kernel/ostype', 'utf8').trim()

async function configuredIn(spec: Record<string, string>, key: string) {
  const root = await buildRoot(spec)
  try {
    return await configuredSysctl(new RootReader(root), key)
  } finally {
    await removeRoot(root)
  }
}

describe('configuredSysctl', () => {
  it('reads the drop-ins in file-name order across the directories (sysctl.d(5))', async () => {
    const spec = {
      '/etc/sysctl.d/10-a.conf': 'kernel.kptr_restrict = 2\n',
      '/usr/lib/sysctl.d/99-z.conf': 'kernel.kptr_restrict = 0\n',
    }
    expect(await configuredIn(spec, 'kernel.kptr_restrict')).toEqual({value: '0', file: '/usr/lib/sysctl.d/99-z.conf'})
  })

  it('lets an /etc file replace the vendor file of the same name (masking it when empty)', async () => {
    const spec = {'/usr/lib/sysctl.d/50-x.conf': 'fs.suid_dumpable = 0\n', '/etc/sysctl.d/50-x.conf': '# masked\n'}
    expect(await configuredIn(spec, 'fs.suid_dumpable')).toBeNull()
  })

  it('reads sysctl.d under --root, later files winning', async () => {
    const root = await buildRoot(files)
    try {
      expect(await configuredSysctl(new RootReader(root), 'kernel.kptr_restrict')).toEqual({
        value: '2',
        file: '/etc/sysctl.d/60-llmsec.conf',
      })
    } finally {
      await removeRoot(root)
    }
  })
})

checkTester.run(check, {
  valid: [
    {
      name: 'a slash key in sysctl.d under --root',
      files,
      params: {key: 'kernel.unprivileged_bpf_disabled', values: ['1', '2']},
    },
    {name: 'the running kernel on the live host', params: {key: 'kernel.ostype', values: [ostype]}},
  ],
  invalid: [
    {
      name: 'not set under --root',
      status: 'fail',
      files,
      params: {key: 'fs.suid_dumpable', values: ['0']},
      evidence: [/not set/],
    },
    {name: 'another value in the running kernel', status: 'fail', params: {key: 'kernel.ostype', values: ['Plan9']}},
    {
      name: 'a key this kernel does not have',
      status: 'not-applicable',
      params: {key: 'kernel.no_such_key', values: ['1']},
    },
  ],
  invalidParams: [
    {key: 'kernel', values: ['1']},
    {key: 'kernel.x', values: []},
  ],
})
