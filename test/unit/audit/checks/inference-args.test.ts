import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('inference-args', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/systemd/system/vllm.service':
        '[Service]\nExecStart=/opt/venv/bin/vllm serve Qwen/Qwen2 \\\n  --trust-remote-code --port 8000\n',
    })
  })
  afterAll(() => removeRoot(root))

  it('finds a forbidden flag in ExecStart= (with line continuation)', async () => {
    const out = await runCheck('inference-args', {forbidden: ['--trust-remote-code']}, {root})
    expect(out.status).toBe('fail')
    expect(out.evidence[0]).toBe('vllm (/etc/systemd/system/vllm.service) is started with --trust-remote-code')
  })

  it('passes without the flag', async () => {
    expect((await runCheck('inference-args', {forbidden: ['--enable-debug']}, {root})).status).toBe('pass')
  })
})
