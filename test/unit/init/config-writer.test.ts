import {describe, expect, it} from 'vitest'

import {buildConfig, defaultAnswers, endpointOf, renderConfig} from '../../../src/init/index.js'
import {parseYaml} from '../../../src/core/yaml.js'
import type {RuntimeId} from '../../../src/hardware/index.js'
import {configSchema} from '../../../src/core/config.js'

describe('init config writer', () => {
  it('renders a configuration that validates and round-trips', () => {
    const config = buildConfig({
      modelDirs: ['/srv/models'],
      endpoints: ['http://127.0.0.1:11434'],
      rulesets: ['baseline', 'hipaa'],
      publicKey: '/etc/llmsec/signer.pub',
      egressAllow: ['huggingface.co:443'],
    })
    const text = renderConfig(config, 'llmsec.yaml')
    expect(text.startsWith('# llmsec configuration')).toBe(true)
    expect(parseYaml(text, 'llmsec.yaml', configSchema).data).toEqual(config)
  })

  it('refuses to render an invalid configuration instead of writing it', () => {
    expect(() =>
      renderConfig(
        buildConfig({
          ...defaultAnswers({modelDirs: [], modelFiles: [], endpoints: [], rulesets: [], notes: []}),
          endpoints: ['ftp://x'],
        }),
        'c.yaml',
      ),
    ).toThrow(/c\.yaml:\d+:\d+: endpoints\.0\.url/)
  })

  it('defaults to everything found and the baseline ruleset', () => {
    const answers = defaultAnswers({
      modelDirs: ['/srv/models'],
      modelFiles: [],
      endpoints: [{url: 'http://127.0.0.1:8000', runtime: 'vllm', from: 'unit'}],
      rulesets: ['baseline', 'hipaa'],
      notes: [],
    })
    expect(answers).toEqual({
      modelDirs: ['/srv/models'],
      endpoints: ['http://127.0.0.1:8000'],
      rulesets: ['baseline'],
      egressAllow: [],
    })
  })

  it('derives endpoints from runtime arguments and OLLAMA_HOST', () => {
    const svc = (runtime: RuntimeId, args: string[], environment: Record<string, string> = {}) => ({
      runtime,
      args,
      environment,
      location: 'x',
    })
    expect(endpointOf(svc('ollama', ['ollama', 'serve']))).toBe('http://127.0.0.1:11434')
    expect(endpointOf(svc('ollama', ['ollama', 'serve'], {OLLAMA_HOST: '0.0.0.0:11500'}))).toBe(
      'http://127.0.0.1:11500',
    )
    expect(endpointOf(svc('ollama', [], {OLLAMA_HOST: 'http://10.1.2.3'}))).toBe('http://10.1.2.3:11434')
    expect(endpointOf(svc('vllm', ['vllm', 'serve', 'm', '--host', '127.0.0.1', '--port', '9000']))).toBe(
      'http://127.0.0.1:9000',
    )
    expect(endpointOf(svc('sglang', ['python', '-m', 'sglang.launch_server', '--port=31000']))).toBe(
      'http://127.0.0.1:31000',
    )
    expect(endpointOf(svc('tgi', ['text-generation-launcher']))).toBe('http://127.0.0.1:3000')
    expect(endpointOf(svc('localai', ['local-ai', 'run'], {LOCALAI_ADDRESS: ':9090'}))).toBe('http://127.0.0.1:9090')
    expect(endpointOf(svc('llama.cpp', ['llama-server', '--host', '::1']))).toBe('http://[::1]:8080')
    expect(endpointOf(svc('litellm', ['litellm', '--port', '4001']))).toBe('http://127.0.0.1:4001')
  })
})
