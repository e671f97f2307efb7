import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot, safetensorsBytes} from '../../../helpers/rootfs.js'

describe('model-signature', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/srv/models/signed/model.sig': '{}',
      '/srv/models/signed/sub/model.safetensors': safetensorsBytes(),
      '/srv/models/single.gguf': 'GGUF\u0003',
      '/srv/models/single.gguf.sig': '{}',
    })
  })
  afterAll(() => removeRoot(root))

  it('accepts model.sig in a parent directory and <file>.sig', async () => {
    const out = await runCheck('model-signature', {}, {root})
    expect(out.status).toBe('pass')
    expect(out.evidence.sort()).toEqual([
      'signature present: /srv/models/signed/model.sig',
      'signature present: /srv/models/single.gguf.sig',
    ])
  })

  it('fails for an unsigned model', async () => {
    const other = await buildRoot({'/opt/models/x/model.safetensors': safetensorsBytes()})
    const out = await runCheck('model-signature', {}, {root: other})
    await removeRoot(other)
    expect(out).toMatchObject({status: 'fail', location: '/opt/models/x/model.safetensors'})
  })
})
