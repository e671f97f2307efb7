import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, PICKLE_BYTES, removeRoot} from '../../../helpers/rootfs.js'

// protocol 2 pickle: GLOBAL 'os system', a string argument, TUPLE1, REDUCE, STOP — what a trojan checkpoint holds.
const MALICIOUS = Buffer.concat([
  Buffer.from([0x80, 0x02]),
  Buffer.from('cos\nsystem\n', 'latin1'),
  Buffer.from([0x58, 2, 0, 0, 0]),
  Buffer.from('id', 'latin1'),
  Buffer.from([0x85, 0x52, 0x2e]),
])

describe('model-scan', () => {
  let evil: string
  let benign: string
  beforeAll(async () => {
    evil = await buildRoot({'/srv/models/x/pytorch_model.bin': MALICIOUS})
    benign = await buildRoot({'/srv/models/x/numbers.pkl': PICKLE_BYTES})
  })
  afterAll(async () => {
    await removeRoot(evil)
    await removeRoot(benign)
  })

  it('fails for a pickle that imports os.system (scan engine verdict unsafe)', async () => {
    const out = await runCheck('model-scan', {}, {root: evil})
    expect(out.status).toBe('fail')
    expect(out.evidence[0]).toMatch(/^\/srv\/models\/x\/pytorch_model\.bin: unsafe/)
    expect(out.location).toBe('/srv/models/x/pytorch_model.bin')
  })

  it('does not fail a pickle without imports', async () => {
    const out = await runCheck('model-scan', {}, {root: benign})
    expect(out.status).not.toBe('fail')
  })
})
