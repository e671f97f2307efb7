import {describe, expect, it} from 'vitest'

import {makePrompt} from '../../../src/inference/prompts.js'
import {endpointsFromRuntimes, resolveSmokeTargets} from '../../../src/inference/targets.js'
import {identifyFromAnswer, identifyFromHeaders} from '../../../src/inference/identify.js'

const answer = (body: unknown, status = 200) => ({
  status,
  headers: {},
  body: JSON.stringify(body),
  truncated: false,
  durationMs: 1,
  tls: null,
})

describe('smoke targets', () => {
  it('prefers --endpoint, normalising a /v1 suffix', () => {
    const [target] = resolveSmokeTargets({endpoint: 'http://127.0.0.1:8000/v1/', apiKey: 'k', config: {}})
    expect(target).toEqual({
      kind: 'endpoint',
      target: expect.objectContaining({baseUrl: 'http://127.0.0.1:8000', apiKey: 'k'}),
    })
  })

  it('refuses both --endpoint and --gguf, and nothing at all', () => {
    expect(() => resolveSmokeTargets({endpoint: 'http://a', gguf: 'x.gguf', config: {}})).toThrow(/not both/)
    expect(() => resolveSmokeTargets({config: {}})).toThrow(/Nothing to smoke-test/)
    expect(() => resolveSmokeTargets({endpoint: 'ftp://x', config: {}})).toThrow(/http/)
  })

  it('uses config endpoints with their key from the environment, then discovered runtimes', () => {
    const targets = resolveSmokeTargets({
      config: {endpoints: [{url: 'http://127.0.0.1:8000', apiKeyEnv: 'VLLM_KEY', model: 'm'}]},
      env: {VLLM_KEY: 'secret'},
      runtimes: [{kind: 'ollama', listening: [{address: '0.0.0.0', port: 11434, protocol: 'tcp'}]}],
    })
    expect(targets.map((t) => (t.kind === 'endpoint' ? [t.target.baseUrl, t.target.apiKey] : t.path))).toEqual([
      ['http://127.0.0.1:8000', 'secret'],
      ['http://127.0.0.1:11434', undefined],
    ])
  })

  it('reaches discovered runtimes only through loopback', () => {
    const urls = endpointsFromRuntimes([
      {
        kind: 'vllm',
        listening: [
          {address: '10.0.0.5', port: 8000, protocol: 'tcp'},
          {address: '::', port: 8001, protocol: 'tcp6'},
          {address: '127.0.0.1', port: 8002, protocol: 'tcp'},
          {address: '0.0.0.0', port: 5353, protocol: 'udp'},
        ],
      },
    ])
    expect(urls).toEqual(['http://[::1]:8001', 'http://127.0.0.1:8002'])
  })
})

describe('server identification', () => {
  it('reads kind and version from each server family', () => {
    expect(identifyFromAnswer('/api/version', answer({version: '0.1.33'}))).toMatchObject({
      kind: 'ollama',
      version: '0.1.33',
    })
    expect(identifyFromAnswer('/version', answer({version: '0.6.3'}))).toMatchObject({kind: 'vllm', version: '0.6.3'})
    expect(identifyFromAnswer('/info', answer({model_id: 'x', version: '2.0.1'}))).toMatchObject({kind: 'tgi'})
    expect(identifyFromAnswer('/props', answer({default_generation_settings: {}, build_info: 'b4500'}))).toMatchObject({
      kind: 'llama.cpp',
      version: 'b4500',
    })
    expect(identifyFromAnswer('/version', answer({version: '0.6.3'}, 401))).toBeNull()
    expect(identifyFromHeaders({server: 'llama.cpp'})).toMatchObject({kind: 'llama.cpp'})
  })
})

describe('seeded randomness', () => {
  it('repeats prompts and arrivals for a seed', () => {
    expect(makePrompt(50, 1)).toBe(makePrompt(50, 1))
    expect(makePrompt(50, 1)).not.toBe(makePrompt(50, 2))
    expect(makePrompt(50, 1).split(' ')).toHaveLength(50)
  })
})
