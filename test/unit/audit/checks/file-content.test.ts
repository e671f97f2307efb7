import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('file-content', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({'/etc/pam.d/common-auth': 'auth required pam_faillock.so preauth\n'})
  })
  afterAll(() => removeRoot(root))

  it('passes on a match and fails with expect: no-match', async () => {
    const params = {path: '/etc/pam.d/common-auth', pattern: 'pam_(faillock|tally2)\\.so'}
    const out = await runCheck('file-content', params, {root})
    expect(out.status).toBe('pass')
    expect(out.evidence[0]).toContain('pam_faillock.so')
    expect((await runCheck('file-content', {...params, expect: 'no-match'}, {root})).status).toBe('fail')
    expect((await runCheck('file-content', {...params, pattern: 'pam_tally2'}, {root})).status).toBe('fail')
  })

  it('treats a missing file as configured (skip by default)', async () => {
    expect((await runCheck('file-content', {path: '/x', pattern: 'a'}, {root})).status).toBe('skip')
    expect((await runCheck('file-content', {path: '/x', pattern: 'a', missing: 'fail'}, {root})).status).toBe('fail')
  })
})
