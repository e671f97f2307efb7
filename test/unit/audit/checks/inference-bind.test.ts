import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {bindAddress} from '../../../../src/audit/checks/inference-bind.js'
import type {InferenceService} from '../../../../src/audit/facts/index.js'
import {runCheck} from '../../../helpers/check-context.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'

const service = (over: Partial<InferenceService>): InferenceService => ({
  runtime: 'ollama',
  source: 'unit',
  location: '/u',
  user: 'x',
  environment: {},
  args: [],
  ...over,
})

describe('inference-bind', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/systemd/system/ollama.service':
        '[Service]\nExecStart=/usr/bin/ollama serve\nEnvironment=OLLAMA_HOST=0.0.0.0:11434\n',
      '/etc/systemd/system/ollama.service.d/override.conf': '[Service]\nEnvironment=OLLAMA_ORIGINS=*\n',
    })
  })
  afterAll(() => removeRoot(root))

  it('fails for OLLAMA_HOST=0.0.0.0 in a unit file', async () => {
    const out = await runCheck('inference-bind', {}, {root})
    expect(out.status).toBe('fail')
    expect(out.evidence[0]).toBe(
      'ollama (/etc/systemd/system/ollama.service) binds 0.0.0.0 (OLLAMA_HOST=0.0.0.0:11434)',
    )
  })

  it('knows runtime defaults and --host flags', () => {
    expect(bindAddress(service({}))).toEqual({address: '127.0.0.1', from: 'ollama default'})
    expect(bindAddress(service({runtime: 'vllm'})).address).toBe('0.0.0.0')
    expect(bindAddress(service({runtime: 'vllm', args: ['vllm', 'serve', '--host=127.0.0.1']})).address).toBe(
      '127.0.0.1',
    )
    expect(bindAddress(service({environment: {OLLAMA_HOST: 'http://[::1]:11434'}})).address).toBe('::1')
  })

  it('passes when every service binds loopback', async () => {
    const inference = [service({args: ['llama-server', '--host', '127.0.0.1'], runtime: 'llama.cpp'})]
    expect((await runCheck('inference-bind', {}, {root, facts: {inference}})).status).toBe('pass')
  })
})
