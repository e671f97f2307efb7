import {afterEach, describe, expect, it} from 'vitest'

import {smokeEndpoint, type SmokeCheck, type SmokeReport} from '../../../src/inference/index.js'
import {startScriptedServer, type ScriptedServer, type ScriptedServerOptions} from '../../helpers/scripted-server.js'
import {schemaErrors} from '../../helpers/validate-json.js'

const servers: ScriptedServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function smoke(
  options: ScriptedServerOptions,
  apiKey?: string,
): Promise<{report: SmokeReport; server: ScriptedServer}> {
  const server = await startScriptedServer(options)
  servers.push(server)
  const report = await smokeEndpoint({baseUrl: server.url, apiKey, timeoutMs: 10_000}, {seed: 11, burst: 10})
  expect(schemaErrors('smoke', report)).toBeNull()
  return {report, server}
}

const check = (report: SmokeReport, id: string): SmokeCheck => {
  const found = report.checks.find((c) => c.id === id)
  if (!found) throw new Error(`no check ${id}`)
  return found
}

const MANAGEMENT = /^\/api\/(pull|push|delete|create|copy|blobs)/

describe('smoke against misconfigured servers (scripted vLLM, llama.cpp and Ollama routes)', () => {
  it('finds everything wrong with an old, open Ollama, and never sends a real management request', async () => {
    const {report, server} = await smoke({
      kind: 'ollama',
      version: '0.1.33',
      managementExposed: true,
      cors: 'wildcard',
      metrics: true,
      leakySystemPrompt: true,
      maxContext: 0,
    })
    expect(report.server).toEqual({kind: 'ollama', version: '0.1.33'})
    expect(check(report, 'auth.required').status).toBe('fail')
    const management = check(report, 'ollama.management-exposed')
    expect(management).toMatchObject({status: 'fail', severity: 'critical'})
    expect((management.data?.exposed as string[]).join(' ')).toMatch(
      /\/api\/pull.*\/api\/push.*\/api\/delete.*\/api\/create.*\/api\/copy/,
    )
    expect(check(report, 'cors.origin').status).toBe('fail')
    expect(check(report, 'metrics.exposed').status).toBe('fail')
    const version = check(report, 'version.known-vulnerable')
    expect(version.status).toBe('fail')
    expect(version.evidence).toContain('CVE-2024-37032')
    const leak = check(report, 'prompt.canary-leak')
    expect(leak.status).toBe('fail')
    expect(leak.data?.leakRate).toBe(1)
    expect(check(report, 'limits.max-tokens').status).toBe('warn')
    expect(check(report, 'limits.rate').status).toBe('warn')

    // Safety: every management request was either a HEAD or carried a body that cannot parse.
    const managementRequests = server.requests.filter((r) => MANAGEMENT.test(r.path))
    expect(managementRequests.length).toBeGreaterThanOrEqual(6)
    for (const request of managementRequests) {
      if (request.method === 'HEAD') continue
      expect(() => JSON.parse(request.body), `${request.method} ${request.path} ${request.body}`).toThrow()
    }
    expect(managementRequests.filter((r) => r.method === 'GET')).toEqual([])
  })

  it('passes a hardened Ollama whose management routes are refused', async () => {
    const {report} = await smoke({kind: 'ollama', version: '0.17.1', managementExposed: false})
    expect(check(report, 'ollama.management-exposed').status).toBe('pass')
    expect(check(report, 'version.known-vulnerable').status).toBe('pass')
    expect(check(report, 'cors.origin').status).toBe('pass')
    expect(check(report, 'metrics.exposed').status).toBe('pass')
  })

  it('finds vLLM routes its API key does not guard, probed without credentials', async () => {
    const {report, server} = await smoke({kind: 'vllm', version: '0.6.3', apiKey: 'sk-test', metrics: true}, 'sk-test')
    expect(check(report, 'auth.required').status).toBe('pass')
    const unguarded = check(report, 'auth.unguarded-routes')
    expect(unguarded.status).toBe('fail')
    expect(unguarded.evidence).toMatch(/\/tokenize/)
    expect(unguarded.evidence).toMatch(/\/invocations/)
    expect(check(report, 'metrics.exposed').status).toBe('fail')
    expect(check(report, 'version.known-vulnerable').evidence).toContain('CVE-2025-24357')
    const probes = server.requests.filter((r) => ['/tokenize', '/invocations', '/pooling', '/score'].includes(r.path))
    expect(probes.length).toBe(4)
    for (const probe of probes) {
      expect(probe.headers.authorization).toBeUndefined()
      expect(() => JSON.parse(probe.body)).toThrow()
    }
  })

  it('finds a reflected CORS origin and a leaked base64 canary on llama.cpp', async () => {
    const {report} = await smoke({
      kind: 'llama.cpp',
      version: 'b3000',
      cors: 'reflect',
      leakySystemPrompt: true,
      leakEncoding: 'base64',
    })
    expect(report.server.kind).toBe('llama.cpp')
    const cors = check(report, 'cors.origin')
    expect(cors.status).toBe('fail')
    expect(cors.evidence).toMatch(/reflects the origin/)
    const leak = check(report, 'prompt.canary-leak')
    expect(leak.status).toBe('fail')
    expect((leak.data?.leaks as {encoding: string}[]).every((l) => l.encoding === 'base64')).toBe(true)
  })

  it('passes limits on a server that rejects absurd max_tokens and rate-limits bursts', async () => {
    // 0.11.1 is the release that fixed CVE-2025-62164 (0.10.2 up to 0.11.0 are affected).
    const {report} = await smoke({kind: 'vllm', version: '0.11.1', apiKey: 'k', rateLimitPerSec: 4}, 'k')
    expect(check(report, 'limits.max-tokens').status).toBe('pass')
    expect(check(report, 'limits.rate')).toMatchObject({status: 'pass'})
    expect(check(report, 'version.known-vulnerable').status).toBe('pass')
    expect(check(report, 'prompt.canary-leak').status).toBe('pass')
  })

  it('flags vLLM 0.11.0 with the prompt-embeds advisory from the same data file', async () => {
    const {report} = await smoke({kind: 'vllm', version: '0.11.0', apiKey: 'k'}, 'k')
    const version = check(report, 'version.known-vulnerable')
    expect(version.status).toBe('fail')
    expect(version.evidence).toContain('CVE-2025-62164')
  })

  it('skips, not fails, inference checks when it has no credentials', async () => {
    const {report} = await smoke({kind: 'llama.cpp', apiKey: 'secret'})
    expect(check(report, 'inference.completion').status).toBe('skip')
    expect(check(report, 'auth.required').status).toBe('pass')
  })
})
