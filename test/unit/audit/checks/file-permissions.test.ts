import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('file-permissions', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/passwd': 'root:x:0:0::/root:/bin/bash\nbob:x:1000:1000::/home/bob:/bin/bash\n',
      '/home/bob/.ollama/history': {content: 'hi', mode: 0o644},
      '/root/.ollama/history': {content: 'hi', mode: 0o600},
    })
  })
  afterAll(() => removeRoot(root))

  it('expands ~ to every home and fails on a mode beyond maxMode', async () => {
    const out = await runCheck('file-permissions', {paths: ['~/.ollama/history'], maxMode: '0600'}, {root})
    expect(out.status).toBe('fail')
    expect(out.evidence[0]).toMatch(/\/home\/bob\/\.ollama\/history mode 0644/)
    expect(out.location).toBe('/home/bob/.ollama/history')
  })

  it('passes when all existing paths comply and skips when none exists', async () => {
    expect(
      (await runCheck('file-permissions', {paths: ['/root/.ollama/history'], maxMode: '0600'}, {root})).status,
    ).toBe('pass')
    const none = await runCheck('file-permissions', {paths: ['/nope'], maxMode: '0600'}, {root})
    expect(none.status).toBe('skip')
    expect(none.reason).toMatch(/none of \/nope exists/)
  })
})
