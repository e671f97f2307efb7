import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('sshd-option', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/ssh/sshd_config':
        'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nMatch User bob\n  PasswordAuthentication yes\n',
      '/etc/ssh/sshd_config.d/10-hard.conf': 'PermitRootLogin no\n',
    })
  })
  afterAll(() => removeRoot(root))

  it('takes the first value (Include first), as sshd does', async () => {
    const params = {option: 'PermitRootLogin', values: ['no'], default: 'prohibit-password'}
    expect(await runCheck('sshd-option', params, {root})).toMatchObject({
      status: 'pass',
      evidence: ['PermitRootLogin no'],
    })
  })

  it('uses the sshd default when unset and ignores Match blocks', async () => {
    const out = await runCheck(
      'sshd-option',
      {option: 'PasswordAuthentication', values: ['no'], default: 'yes'},
      {root},
    )
    expect(out.status).toBe('fail')
    expect(out.evidence[0]).toBe('PasswordAuthentication yes (sshd default); expected no')
  })
})
