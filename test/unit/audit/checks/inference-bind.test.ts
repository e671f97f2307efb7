import {describe, expect, it} from 'vitest'

import {bindAddress, check} from '../../../../src/audit/checks/inference-bind.js'
import type {InferenceService} from '../../../../src/audit/facts/index.js'
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

describe('bindAddress', () => {
  it('knows runtime defaults and --host flags', () => {
    expect(bindAddress(service({}))).toEqual({address: '127.0.0.1', from: 'ollama default'})
    expect(bindAddress(service({runtime: 'vllm'})).address).toBe('0.0.0.0')
    expect(bindAddress(service({runtime: 'vllm', args: ['vllm', 'serve', '--host=127.0.0.1']})).address).toBe(
      '127.0.0.1',
    )
    expect(bindAddress(service({environment: {OLLAMA_HOST: 'http://[::1]:11434'}})).address).toBe('::1')
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
