import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot, safetensorsBytes} from '../../../helpers/rootfs.js'

describe('model-permissions', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/srv/models': {dir: 0o755},
      '/srv/models/m.safetensors': {content: safetensorsBytes(), mode: 0o640},
    })
  })
  afterAll(() => removeRoot(root))

  it('fails for a world-readable directory and passes for world-writable', async () => {
    const readable = await runCheck('model-permissions', {forbid: 'world-readable'}, {root})
    expect(readable).toMatchObject({status: 'fail', evidence: ['/srv/models mode 0755 is world-readable']})
    expect((await runCheck('model-permissions', {forbid: 'world-writable'}, {root})).status).toBe('pass')
  })
})
