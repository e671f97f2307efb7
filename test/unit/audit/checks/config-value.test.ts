import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {readConfigValue} from '../../../../src/audit/checks/config-value.js'
import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('config-value', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({'/etc/login.defs': '# UMASK 077\nUMASK 022\nUMASK\t027\n', '/etc/a.conf': 'Key = "yes"\n'})
  })
  afterAll(() => removeRoot(root))

  it('reads the last assignment, ignoring comments', async () => {
    expect(readConfigValue('# UMASK 077\nUMASK 022\nUMASK 027\n', 'UMASK', 'space', false)).toBe('027')
    const params = {path: '/etc/login.defs', key: 'UMASK', values: ['027', '077'], separator: 'space'}
    expect((await runCheck('config-value', params, {root})).status).toBe('pass')
    expect((await runCheck('config-value', {...params, values: ['077']}, {root})).status).toBe('fail')
  })

  it('uses the default when unset, unquotes values and can ignore case', async () => {
    const unset = await runCheck(
      'config-value',
      {path: '/etc/a.conf', key: 'Other', values: ['no'], default: 'yes'},
      {root},
    )
    expect(unset.status).toBe('fail')
    expect(unset.evidence[0]).toMatch(/\(default\)/)
    const quoted = await runCheck(
      'config-value',
      {path: '/etc/a.conf', key: 'key', values: ['YES'], ignoreCase: true},
      {root},
    )
    expect(quoted.status).toBe('pass')
  })
})
