import {existsSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'

describe('device-permissions', () => {
  it('fails for a real device node that is world-writable beyond maxMode (/dev/null is 0666)', async () => {
    const out = await runCheck('device-permissions', {prefix: 'null', maxMode: '0660'})
    expect(out.status).toBe('fail')
    expect(out.evidence[0]).toMatch(/^\/dev\/null mode 0666/)
    expect((await runCheck('device-permissions', {prefix: 'null', maxMode: '0666'})).status).toBe('pass')
  })

  it.skipIf(existsSync('/dev/nvidia0'))('skips with a reason when no node has the prefix', async () => {
    const out = await runCheck('device-permissions', {prefix: 'nvidia', maxMode: '0660'})
    expect(out).toMatchObject({status: 'skip', reason: 'no /dev/nvidia* device nodes on this host'})
  })
})
