import {describe, expect, it} from 'vitest'

import {check} from '../../../../src/audit/checks/inference-bind.js'
import type {InferenceService} from '../../../../src/audit/facts/index.js'
import {boundPorts} from '../../../../src/hardware/index.js'
import {checkTester} from '../../../helpers/check-tester.js'

const service = (over: Partial<InferenceService>): InferenceService => ({
  runtime: 'ollama',
  source: 'unit',
  location: '/u',
  user: 'x',
  environment: {},
  unreadable: [],
  args: [],
  ...over,
})
const files = {
  '/etc/systemd/system/ollama.service':
    '[Service]\nExecStart=/usr/bin/ollama serve\nEnvironment=OLLAMA_HOST=0.0.0.0:11434\n',
  '/etc/systemd/system/ollama.service.d/override.conf': '[Service]\nEnvironment=OLLAMA_ORIGINS=*\n',
}

describe('boundPorts', () => {
  const bind = (over: Partial<InferenceService>) => boundPorts(over.runtime ?? 'ollama', service(over))

  it('knows runtime defaults, bind flags and bind variables from the catalog', () => {
    expect(bind({})).toMatchObject([{port: 11434, address: '127.0.0.1', from: 'ollama default'}])
    expect(bind({runtime: 'vllm'})[0].address).toBe('0.0.0.0')
    expect(bind({runtime: 'vllm', args: ['vllm', 'serve', '--host=127.0.0.1']})[0].address).toBe('127.0.0.1')
    expect(bind({environment: {OLLAMA_HOST: 'http://[::1]:11434'}})[0].address).toBe('::1')
    expect(bind({runtime: 'localai', environment: {LOCALAI_ADDRESS: ':8080'}})[0].address).toBe('0.0.0.0')
    expect(bind({runtime: 'sglang'})[0].address).toBe('127.0.0.1')
    expect(bind({runtime: 'tgi', environment: {HOSTNAME: '127.0.0.1'}})[0].address).toBe('127.0.0.1')
  })

  it('judges every port of a multi-port runtime on its own flag', () => {
    const triton = bind({runtime: 'triton', args: ['tritonserver', '--http-address=127.0.0.1']})
    expect(triton.map((p) => [p.port, p.address])).toEqual([
      [8000, '127.0.0.1'],
      [8001, '0.0.0.0'],
      [8002, '0.0.0.0'],
    ])
    const ray = bind({runtime: 'ray', args: ['ray', 'start', '--head']})
    expect(ray.filter((p) => p.codeExecution).map((p) => [p.port, p.address])).toEqual([
      [6379, '0.0.0.0'],
      [8265, '127.0.0.1'],
      [10001, '0.0.0.0'],
    ])
  })

  it('leaves an address unknown when the variable that sets it cannot be read, unless a flag decides', () => {
    expect(bind({environmentReadable: false} as Partial<InferenceService>)[0].address).toBeNull()
    const flagged = bind({runtime: 'vllm', args: ['vllm', 'serve', '--host', '0.0.0.0']})
    expect(flagged[0].address).toBe('0.0.0.0')
  })
})

checkTester.run(check, {
  valid: [
    {
      name: 'every service binds loopback',
      files,
      facts: {inference: [service({args: ['llama-server', '--host', '127.0.0.1'], runtime: 'llama.cpp'})]},
    },
  ],
  invalid: [
    {
      name: 'OLLAMA_HOST=0.0.0.0 in a unit file',
      status: 'fail',
      files,
      evidence: ['ollama (/etc/systemd/system/ollama.service) binds 0.0.0.0 (OLLAMA_HOST=0.0.0.0:11434)'],
    },
    {
      name: 'a Triton whose gRPC port binds beyond loopback although HTTP is loopback',
      status: 'fail',
      files,
      facts: {inference: [service({runtime: 'triton', args: ['tritonserver', '--http-address', '127.0.0.1']})]},
      includes: ['triton (/u) binds 0.0.0.0 for port 8001 (gRPC API) (triton default)'],
    },
    {
      // Environment= says loopback, but the unread EnvironmentFile= is applied after it and may not.
      name: 'a loopback OLLAMA_HOST beside an unread EnvironmentFile',
      status: 'error',
      files,
      facts: {
        inference: [
          service({
            environment: {OLLAMA_HOST: '127.0.0.1:11434'},
            unreadable: [{path: '/etc/ollama/env', code: 'EACCES', reason: 'permission denied (EACCES)'}],
          }),
        ],
      },
      reason: /^cannot read \/etc\/ollama\/env/,
    },
    {
      // A flag decides the bind even when the environment could not be read.
      name: 'a process with an unread environment started with --host 0.0.0.0',
      status: 'fail',
      files,
      facts: {
        inference: [
          service({
            runtime: 'vllm',
            args: ['vllm', 'serve', '--host', '0.0.0.0'],
            unreadable: [{path: '/proc/43/environ', code: 'EACCES', reason: 'permission denied (EACCES)'}],
          }),
        ],
      },
      evidence: ['vllm (/u) binds 0.0.0.0 (--host 0.0.0.0)'],
    },
    {
      // The environment decides Ollama's address: unread, the runtime default must not pass.
      name: 'a process whose environment could not be read',
      status: 'error',
      files,
      facts: {
        inference: [
          service({
            source: 'process',
            location: '/proc/42',
            unreadable: [{path: '/proc/42/environ', code: 'EACCES', reason: 'permission denied (EACCES)'}],
          }),
        ],
      },
      reason: /^cannot read \/proc\/42\/environ: permission denied \(EACCES\)/,
    },
    {
      name: 'an unreadable service beside one bound to 0.0.0.0: the finding stands',
      status: 'fail',
      files,
      facts: {
        inference: [
          service({environment: {OLLAMA_HOST: '0.0.0.0'}}),
          service({location: '/proc/42', unreadable: [{path: '/proc/42/environ', code: 'EACCES', reason: 'x'}]}),
        ],
      },
      evidence: ['ollama (/u) binds 0.0.0.0 (OLLAMA_HOST=0.0.0.0)', 'cannot read /proc/42/environ: x'],
    },
  ],
})
