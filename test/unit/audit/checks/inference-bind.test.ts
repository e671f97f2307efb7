import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {InferenceService} from '../../../../src/audit/facts/index.js'
import {boundPorts} from '../../../../src/hardware/index.js'
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

  it('knows runtime defaults, bind flags and bind variables from the catalog', () => {
    const bind = (over: Partial<InferenceService>) => boundPorts(over.runtime ?? 'ollama', service(over))
    expect(bind({})).toMatchObject([{port: 11434, address: '127.0.0.1', from: 'ollama default'}])
    expect(bind({runtime: 'vllm'})[0].address).toBe('0.0.0.0')
    expect(bind({runtime: 'vllm', args: ['vllm', 'serve', '--host=127.0.0.1']})[0].address).toBe('127.0.0.1')
    expect(bind({environment: {OLLAMA_HOST: 'http://[::1]:11434'}})[0].address).toBe('::1')
    expect(bind({runtime: 'localai', environment: {LOCALAI_ADDRESS: ':8080'}})[0].address).toBe('0.0.0.0')
    expect(bind({runtime: 'sglang'})[0].address).toBe('127.0.0.1')
    expect(bind({runtime: 'tgi', environment: {HOSTNAME: '127.0.0.1'}})[0].address).toBe('127.0.0.1')
  })

  it('judges every port of a multi-port runtime on its own flag', () => {
    const triton = boundPorts(
      'triton',
      service({runtime: 'triton', args: ['tritonserver', '--http-address=127.0.0.1']}),
    )
    expect(triton.map((p) => [p.port, p.address])).toEqual([
      [8000, '127.0.0.1'],
      [8001, '0.0.0.0'],
      [8002, '0.0.0.0'],
    ])
    const ray = boundPorts('ray', service({runtime: 'ray', args: ['ray', 'start', '--head']}))
    expect(ray.filter((p) => p.codeExecution).map((p) => [p.port, p.address])).toEqual([
      [6379, '0.0.0.0'],
      [8265, '127.0.0.1'],
      [10001, '0.0.0.0'],
    ])
  })

  it('fails a Triton that binds its gRPC port beyond loopback although HTTP is loopback', async () => {
    const inference = [service({runtime: 'triton', args: ['tritonserver', '--http-address', '127.0.0.1']})]
    const out = await runCheck('inference-bind', {}, {root, facts: {inference}})
    expect(out.status).toBe('fail')
    expect(out.evidence).toContain('triton (/u) binds 0.0.0.0 for port 8001 (gRPC API) (triton default)')
  })

  it('reports an error, never a pass, when the environment that sets the bind cannot be read', async () => {
    const inference = [service({source: 'process', environmentReadable: false})]
    const out = await runCheck('inference-bind', {}, {root, facts: {inference}})
    expect(out.status).toBe('error')
    expect(out.evidence[0]).toMatch(/OLLAMA_HOST not readable/)
    const flagged = [
      service({runtime: 'vllm', environmentReadable: false, args: ['vllm', 'serve', '--host', '0.0.0.0']}),
    ]
    expect((await runCheck('inference-bind', {}, {root, facts: {inference: flagged}})).status).toBe('fail')
  })

  it('passes when every service binds loopback', async () => {
    const inference = [service({args: ['llama-server', '--host', '127.0.0.1'], runtime: 'llama.cpp'})]
    expect((await runCheck('inference-bind', {}, {root, facts: {inference}})).status).toBe('pass')
  })
})
