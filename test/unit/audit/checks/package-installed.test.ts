import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {compareDebianVersions} from '../../../../src/core/version.js'
import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('package-installed', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/var/lib/dpkg/status': [
        'Package: auditd\nStatus: install ok installed\nVersion: 1:3.0.9-1\n',
        'Package: telnetd\nStatus: deinstall ok config-files\nVersion: 0.17-44\n',
        '',
      ].join('\n'),
    })
  })
  afterAll(() => removeRoot(root))

  it('reads installed packages from dpkg status (config-files only is not installed)', async () => {
    expect((await runCheck('package-installed', {names: ['auditd']}, {root})).status).toBe('pass')
    expect((await runCheck('package-installed', {names: ['telnetd'], expect: 'absent'}, {root})).status).toBe('pass')
    expect((await runCheck('package-installed', {names: ['chrony']}, {root})).status).toBe('fail')
  })

  it('compares Debian versions for minVersion', async () => {
    expect(compareDebianVersions('1:3.0.9-1', '3.1')).toBeGreaterThan(0)
    expect(compareDebianVersions('2.0~rc1', '2.0')).toBeLessThan(0)
    expect(compareDebianVersions('1.10', '1.9')).toBeGreaterThan(0)
    expect((await runCheck('package-installed', {names: ['auditd'], minVersion: '1:3.1'}, {root})).status).toBe('fail')
    expect((await runCheck('package-installed', {names: ['auditd'], minVersion: '1:3.0.9'}, {root})).status).toBe(
      'pass',
    )
  })
})
