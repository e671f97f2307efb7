import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('secret-files', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/passwd': 'root:x:0:0::/root:/bin/bash\ncarol:x:1000:1000::/home/carol:/bin/bash\n',
      '/home/carol/.cache/huggingface/token': {content: 'hf_x', mode: 0o644},
      '/root/.huggingface/token': {content: 'hf_y', mode: 0o600},
      '/etc/systemd/system/tgi.service':
        '[Service]\nExecStart=/usr/bin/text-generation-launcher\nEnvironmentFile=/etc/tgi.env\nWorkingDirectory=/srv/tgi\n',
      '/etc/tgi.env': {content: 'HF_TOKEN=hf_z\n', mode: 0o640},
      '/srv/tgi/.env': {content: 'A=1\n', mode: 0o600},
    })
  })
  afterAll(() => removeRoot(root))

  it('finds world/group-readable tokens and service environment files', async () => {
    const out = await runCheck('secret-files', {maxMode: '0600'}, {root})
    expect(out.status).toBe('fail')
    expect(out.evidence).toEqual([
      '/etc/tgi.env (environment file of tgi.service) mode 0640: allowed at most 0600',
      '/home/carol/.cache/huggingface/token (Hugging Face token) mode 0644: allowed at most 0600',
    ])
  })

  it('passes with a looser limit and lists what it saw', async () => {
    const out = await runCheck('secret-files', {maxMode: '0644'}, {root})
    expect(out.status).toBe('pass')
    expect(out.evidence).toContain('/srv/tgi/.env (.env next to tgi.service) mode 0600')
  })
})
