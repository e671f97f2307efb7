import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

describe('inference-env', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/systemd/system/ollama.service':
        '[Service]\nExecStart=/usr/bin/ollama serve\nEnvironmentFile=/etc/default/ollama\n',
      '/etc/default/ollama': 'export OLLAMA_ORIGINS="*"\nDO_NOT_TRACK=1\n',
      '/etc/systemd/system/vllm.service':
        '[Service]\nExecStart=/usr/bin/vllm serve m\nEnvironment=VLLM_NO_USAGE_STATS=0\n',
    })
  })
  afterAll(() => removeRoot(root))

  it('reads EnvironmentFile= and fails on a forbidden value', async () => {
    const out = await runCheck(
      'inference-env',
      {variable: 'OLLAMA_ORIGINS', forbidden: ['*'], runtimes: ['ollama']},
      {root},
    )
    expect(out).toMatchObject({status: 'fail', location: '/etc/systemd/system/ollama.service'})
    expect(out.evidence).toEqual(['ollama (/etc/systemd/system/ollama.service): OLLAMA_ORIGINS=*'])
  })

  it('fails on a wrong required value and warns when unset with unset: warn', async () => {
    const stats = await runCheck(
      'inference-env',
      {variable: 'VLLM_NO_USAGE_STATS', required: ['1'], runtimes: ['vllm']},
      {root},
    )
    expect(stats.status).toBe('fail')
    const dnt = await runCheck('inference-env', {variable: 'DO_NOT_TRACK', required: ['1'], unset: 'warn'}, {root})
    expect(dnt.status).toBe('warn')
    expect(dnt.evidence).toContain('vllm (/etc/systemd/system/vllm.service): DO_NOT_TRACK is not set')
  })

  it('skips when no service of the runtimes exists', async () => {
    const out = await runCheck('inference-env', {variable: 'X', required: ['1'], runtimes: ['tgi']}, {root})
    expect(out).toMatchObject({status: 'skip', reason: 'no tgi service found'})
  })
})
