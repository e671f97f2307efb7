import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, PICKLE_BYTES, removeRoot, safetensorsBytes} from '../../../helpers/rootfs.js'

describe('model-pickle', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/srv/models/a/pytorch_model.bin': PICKLE_BYTES,
      '/srv/models/a/model.safetensors': safetensorsBytes(),
      // A .bin that is not a pickle: detection is by content, not by extension.
      '/srv/models/b/weights.bin': 'GGUF\u0003\u0000\u0000\u0000',
      '/opt/elsewhere/model.pkl': PICKLE_BYTES,
    })
  })
  afterAll(() => removeRoot(root))

  it('finds pickle files by magic bytes in the model directories', async () => {
    const out = await runCheck('model-pickle', {}, {root})
    expect(out.status).toBe('fail')
    expect(out.evidence).toEqual(['/srv/models/a/pytorch_model.bin: pickle'])
  })

  it('includes extra model paths and honours max', async () => {
    const out = await runCheck('model-pickle', {max: 1}, {root, modelPaths: ['/opt/elsewhere']})
    expect(out.status).toBe('fail')
    expect(out.evidence).toHaveLength(2)
    expect((await runCheck('model-pickle', {max: 1}, {root})).status).toBe('pass')
  })
})
