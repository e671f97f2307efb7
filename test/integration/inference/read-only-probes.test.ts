import {afterAll, describe, expect, it} from 'vitest'

import {smokeEndpoint, type SmokeCheck, type SmokeReport} from '../../../src/inference/index.js'
import {
  startScriptedServer,
  type RecordedRequest,
  type ScriptedServer,
  type ScriptedServerOptions,
} from '../../helpers/scripted-server.js'
import {schemaErrors} from '../../helpers/validate-json.js'

const log: RecordedRequest[] = []
const servers: ScriptedServer[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

async function smoke(options: ScriptedServerOptions, apiKey?: string): Promise<SmokeReport> {
  const server = await startScriptedServer({version: '2.40.0', ...options})
  servers.push(server)
  const report = await smokeEndpoint({baseUrl: server.url, timeoutMs: 10_000, apiKey}, {seed: 2, burst: 1})
  expect(schemaErrors('smoke', report)).toBeNull()
  for (const r of server.requests) log.push(r)
  return report
}

const check = (report: SmokeReport, id: string): SmokeCheck => report.checks.find((c) => c.id === id)!

describe('read-only runtime probes, each with a benign twin', () => {
  it('llama.cpp: /slots and /props readable without credentials, and not when guarded', async () => {
    const open = await smoke({kind: 'llama.cpp', slots: true})
    expect(open.server.kind).toBe('llama.cpp')
    expect(check(open, 'llamacpp.slots-exposed')).toMatchObject({status: 'fail', severity: 'high'})
    expect(check(open, 'llamacpp.slots-exposed').data).toEqual({slots: 2, withPrompts: 2})
    expect(check(open, 'llamacpp.props-exposed')).toMatchObject({status: 'warn', severity: 'medium'})
    expect(check(open, 'llamacpp.props-exposed').data?.exposed).toEqual(
      expect.arrayContaining(['model_path', 'chat_template']),
    )
    const guarded = await smoke({kind: 'llama.cpp', apiKey: 'k', guardProps: true, slots: true}, 'k')
    expect(check(guarded, 'llamacpp.slots-exposed').status).toBe('pass')
    expect(check(guarded, 'llamacpp.props-exposed').status).toBe('pass')
    const noSlots = await smoke({kind: 'llama.cpp'})
    expect(check(noSlots, 'llamacpp.slots-exposed')).toMatchObject({status: 'pass', evidence: 'GET /slots not served'})
  })

  it('vLLM: development routes listed in /openapi.json fail; a plain listing warns; neither is called', async () => {
    const dev = await smoke({kind: 'vllm', openapi: 'dev'})
    const routes = check(dev, 'vllm.openapi-routes')
    expect(routes).toMatchObject({status: 'fail', severity: 'high'})
    expect(routes.data?.devRoutes).toEqual(['/reset_prefix_cache', '/sleep', '/collective_rpc'])
    const plain = await smoke({kind: 'vllm', openapi: 'plain'})
    expect(check(plain, 'vllm.openapi-routes')).toMatchObject({status: 'warn', severity: 'low'})
    expect(check(plain, 'vllm.openapi-routes').data?.outsideV1).toEqual(['/tokenize', '/metrics', '/invocations'])
    const none = await smoke({kind: 'vllm'})
    expect(check(none, 'vllm.openapi-routes').status).toBe('pass')
  })

  it('Ollama: /api/tags, /api/ps, /api/show open fail; behind a key they pass', async () => {
    const open = await smoke({kind: 'ollama', version: '0.12.0'})
    expect(check(open, 'ollama.api-exposed')).toMatchObject({status: 'fail', severity: 'medium'})
    expect(check(open, 'ollama.api-exposed').data?.exposed).toEqual(['GET /api/tags', 'GET /api/ps', 'POST /api/show'])
    const keyed = await smoke({kind: 'ollama', version: '0.12.0', apiKey: 'k'}, 'k')
    expect(check(keyed, 'ollama.api-exposed').status).toBe('pass')
  })

  it('Host header: a loopback server answering Host: attacker.example fails; one checking Host passes', async () => {
    const open = await smoke({kind: 'ollama', version: '0.12.0'})
    expect(check(open, 'host.rebinding')).toMatchObject({status: 'fail', severity: 'medium'})
    const guarded = await smoke({kind: 'ollama', version: '0.12.0', hostCheck: true})
    expect(check(guarded, 'host.rebinding')).toMatchObject({status: 'pass', evidence: expect.stringMatching(/403/)})
    expect(log.some((r) => r.headers.host === 'attacker.example')).toBe(true)
    // Behind a key the page in the browser gets nothing: no finding.
    const keyed = await smoke({kind: 'ollama', version: '0.12.0', apiKey: 'k'}, 'k')
    expect(check(keyed, 'host.rebinding')).toMatchObject({status: 'pass', evidence: expect.stringMatching(/401/)})
  })

  it('Triton, Ray and TGI: identified by their own routes, with findings only where the route shows it', async () => {
    const triton = await smoke({kind: 'triton', modelControl: true})
    expect(triton.server).toEqual({kind: 'triton', version: '2.40.0'})
    expect(check(triton, 'triton.model-control')).toMatchObject({status: 'warn', severity: 'high'})
    const tritonPlain = await smoke({kind: 'triton'})
    expect(check(tritonPlain, 'triton.model-control').status).toBe('pass')

    const ray = await smoke({kind: 'ray', version: '2.9.0'})
    // Ray's /api/version also has a "version" key; it is not taken for Ollama.
    expect(ray.server).toEqual({kind: 'ray', version: '2.9.0'})
    expect(check(ray, 'ray.jobs-exposed')).toMatchObject({status: 'fail', severity: 'critical'})
    expect(check(ray, 'ollama.management-exposed').status).toBe('skip')
    const rayKeyed = await smoke({kind: 'ray', version: '2.9.0', apiKey: 'k'}, 'k')
    expect(check(rayKeyed, 'ray.jobs-exposed').status).toBe('pass')

    const tgi = await smoke({kind: 'tgi', version: '3.0.1'})
    expect(tgi.server.kind).toBe('tgi')
    expect(check(tgi, 'tgi.info-exposed')).toMatchObject({status: 'warn', severity: 'low'})
    expect(check(tgi, 'tgi.info-exposed').data?.fingerprint).toMatchObject({model_id: 'org/model', version: '3.0.1'})
  })

  it('reports none of them on a catch-all that answers every GET alike', async () => {
    const report = await smoke({kind: 'generic', versionEverywhere: true, rejectMalformedEverywhere: true})
    for (const id of [
      'ollama.api-exposed',
      'llamacpp.slots-exposed',
      'llamacpp.props-exposed',
      'vllm.openapi-routes',
      'triton.model-control',
      'ray.jobs-exposed',
      'tgi.info-exposed',
    ]) {
      expect(check(report, id).status, id).toBe('skip')
    }
  })

  it('sent no request that could change state, over every run above', () => {
    expect(log.length).toBeGreaterThan(100)
    for (const r of log) {
      const path = r.path.split('?')[0]
      const harmless =
        ['GET', 'HEAD', 'OPTIONS'].includes(r.method) ||
        r.body === '{' ||
        (r.method === 'POST' && path === '/v1/chat/completions')
      expect(harmless, `${r.method} ${r.path} ${r.body.slice(0, 40)}`).toBe(true)
    }
    const mutating = /\/(load|unload)$|^\/api\/jobs\/?$|^\/(reset_prefix_cache|sleep|wake_up|collective_rpc)$/
    expect(log.filter((r) => r.method !== 'GET' && mutating.test(r.path.split('?')[0]))).toEqual([])
  })
})
