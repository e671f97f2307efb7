import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot, safetensorsBytes} from '../../../helpers/rootfs.js'

describe('auditd-rules', () => {
  let root: string
  let bare: string
  beforeAll(async () => {
    root = await buildRoot({
      '/sbin/auditd': '',
      '/etc/audit/rules.d/a.rules':
        '# comment\n-D\n-w /etc/passwd -p wa -k ids\n-a always,exit -F arch=b64 -S execve\n-e 2\n',
      '/srv/models/m.safetensors': safetensorsBytes(),
      '/opt/models/n.safetensors': safetensorsBytes(),
    })
    bare = await buildRoot({'/etc/hostname': 'x'})
  })
  afterAll(async () => {
    await removeRoot(root)
    await removeRoot(bare)
  })

  it('counts rules and fails without the binary', async () => {
    const out = await runCheck('auditd-rules', {minRules: 2}, {root})
    expect(out).toMatchObject({status: 'pass', evidence: ['2 audit rules in /etc/audit/rules.d/a.rules']})
    expect((await runCheck('auditd-rules', {minRules: 3}, {root})).status).toBe('fail')
    expect((await runCheck('auditd-rules', {}, {root: bare})).evidence).toEqual([
      'auditd is not installed (no /sbin/auditd)',
    ])
  })

  it('requires watches on every model directory with watchModels', async () => {
    const out = await runCheck('auditd-rules', {watchModels: true}, {root})
    expect(out.status).toBe('fail')
    expect(out.evidence).toContain('model directory /srv/models has no audit watch (-w)')
    expect(out.evidence).toContain('model directory /opt/models has no audit watch (-w)')
  })
})
