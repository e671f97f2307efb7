import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('inference-user', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/systemd/system/ollama.service': '[Service]\nExecStart=/usr/local/bin/ollama serve\nUser=ollama\n',
      '/etc/systemd/system/vllm.service':
        '[Service]\nExecStart=/opt/venv/bin/python -m vllm.entrypoints.openai.api_server\n',
    })
  })
  afterAll(() => removeRoot(root))

  it('fails for a unit without User= (root) and names the unit', async () => {
    const out = await runCheck('inference-user', {}, {root})
    expect(out.status).toBe('fail')
    expect(out.evidence).toEqual(['vllm (/etc/systemd/system/vllm.service) runs as root'])
    expect(out.location).toBe('/etc/systemd/system/vllm.service')
  })

  it('passes when every service has an unprivileged user', async () => {
    const facts = {
      inference: [
        {
          runtime: 'ollama' as const,
          source: 'unit' as const,
          location: '/x',
          user: 'ollama',
          environment: {},
          args: [],
        },
      ],
    }
    expect((await runCheck('inference-user', {}, {root, facts})).status).toBe('pass')
  })
})
