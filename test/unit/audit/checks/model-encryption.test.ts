import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot, safetensorsBytes} from '../../../helpers/rootfs.js'

describe('model-encryption', () => {
  let plain: string
  let luks: string
  let encrypted: string
  beforeAll(async () => {
    plain = await buildRoot({'/srv/models/m.safetensors': safetensorsBytes()})
    luks = await buildRoot({
      '/srv/models/m.safetensors': safetensorsBytes(),
      '/etc/crypttab': '# c\ndata UUID=1 none luks\n',
    })
    encrypted = await buildRoot({'/srv/models/m.safetensors.llmsec': 'LLMSEC\u001a\n\u0001...'})
  })
  afterAll(async () => {
    for (const root of [plain, luks, encrypted]) await removeRoot(root)
  })

  it('fails for plain files without encrypted volumes', async () => {
    const out = await runCheck('model-encryption', {}, {root: plain})
    expect(out.status).toBe('fail')
    expect(out.evidence[0]).toBe('1 of 1 model files are neither llmsec-encrypted nor on an encrypted volume')
  })

  it('passes with a crypttab volume or llmsec-encrypted files', async () => {
    const out = await runCheck('model-encryption', {}, {root: luks})
    expect(out.status).toBe('pass')
    expect(out.evidence).toContain('crypttab: data UUID=1')
    expect((await runCheck('model-encryption', {}, {root: encrypted})).status).toBe('pass')
  })
})
