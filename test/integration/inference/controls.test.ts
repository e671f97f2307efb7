import {afterEach, describe, expect, it} from 'vitest'

import {smokeEndpoint, type SmokeCheck, type SmokeReport} from '../../../src/inference/index.js'
import {startScriptedServer, type ScriptedServer, type ScriptedServerOptions} from '../../helpers/scripted-server.js'
import {schemaErrors} from '../../helpers/validate-json.js'

const servers: ScriptedServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function smoke(options: ScriptedServerOptions): Promise<{report: SmokeReport; server: ScriptedServer}> {
  const server = await startScriptedServer(options)
  servers.push(server)
  const report = await smokeEndpoint({baseUrl: server.url, timeoutMs: 10_000}, {seed: 5, burst: 2})
  expect(schemaErrors('smoke', report)).toBeNull()
  return {report, server}
}

const check = (report: SmokeReport, id: string): SmokeCheck => {
  const found = report.checks.find((c) => c.id === id)
  if (!found) throw new Error(`no check ${id}`)
  return found
}

const CONTROL = /^\/llmsec-control-[0-9a-f]{16}$/

describe('smoke findings that rest on a route existing are checked against a control request', () => {
  it('reports no Ollama finding on a server that answers 400 to every malformed body on every path', async () => {
    const {report, server} = await smoke({kind: 'generic', rejectMalformedEverywhere: true})
    expect(report.server.kind).toBe('unknown')
    const management = check(report, 'ollama.management-exposed')
    expect(management.status).toBe('skip')
    expect(report.checks.filter((c) => c.severity === 'critical')).toEqual([])
    // Not identified as Ollama: no management route was even tried.
    expect(server.requests.filter((r) => r.path.startsWith('/api/pull'))).toEqual([])
  })

  it('identifies no one from a catch-all that answers {"version"} on every path', async () => {
    const {report, server} = await smoke({kind: 'generic', versionEverywhere: true, rejectMalformedEverywhere: true})
    expect(report.server).toEqual({kind: 'unknown', version: null})
    expect(check(report, 'ollama.management-exposed').status).toBe('skip')
    expect(check(report, 'version.known-vulnerable').status).toBe('skip')
    expect(server.requests.some((r) => r.method === 'GET' && CONTROL.test(r.path))).toBe(true)
  })

  it('does not report an identified Ollama whose management routes answer like a random path', async () => {
    // Ollama identified by /api/version, but a proxy in front rejects every malformed body on every path.
    const {report, server} = await smoke({
      kind: 'ollama',
      version: '0.17.1',
      managementExposed: true,
      rejectMalformedEverywhere: true,
    })
    expect(report.server.kind).toBe('ollama')
    const management = check(report, 'ollama.management-exposed')
    expect(management.status).toBe('skip')
    expect(management.evidence).toMatch(/like a random path/)
    // One control per request shape: the POST "{" control, the DELETE "{" control and the HEAD control.
    const controls = server.requests.filter((r) => CONTROL.test(r.path))
    expect(controls.map((r) => r.method).sort()).toEqual(expect.arrayContaining(['DELETE', 'HEAD', 'POST']))
    for (const control of controls.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'))
      expect(control.body).toBe('{')
  })

  it('still fails, critical, on a real Ollama-shaped server with open management routes', async () => {
    const {report} = await smoke({kind: 'ollama', version: '0.17.1', managementExposed: true})
    const management = check(report, 'ollama.management-exposed')
    expect(management).toMatchObject({status: 'fail', severity: 'critical'})
    expect(management.data?.exposed).toHaveLength(5)
  })

  it('does not report vLLM routes outside the key when every path answers the same', async () => {
    const {report} = await smoke({kind: 'vllm', version: '0.11.0', rejectMalformedEverywhere: true})
    expect(report.server.kind).toBe('vllm')
    // /tokenize and friends answer 400, and so does a random path: nothing shown.
    const unguarded = check(report, 'auth.unguarded-routes')
    expect((unguarded.data?.open as string[]).filter((r) => r.startsWith('POST'))).toEqual([])
  })
})

describe('partial results are results', () => {
  it('judges the canary over the prompts that were answered when one fails with 500', async () => {
    const {report} = await smoke({
      kind: 'vllm',
      version: '0.11.0',
      leakySystemPrompt: true,
      failPromptsContaining: 'base64',
    })
    const leak = check(report, 'prompt.canary-leak')
    expect(leak.status).toBe('fail')
    expect(leak.data).toMatchObject({sent: 7, answered: 6, leaked: 6, leakRate: 1})
    expect(leak.evidence).toContain('6 answered / 7 sent')
    expect(leak.data?.unanswered).toEqual([{attack: 'base64', reason: 'completion failed with HTTP 500'}])
  })

  it('passes a server that keeps the canary over the answers it gave, saying how many', async () => {
    const {report} = await smoke({kind: 'vllm', version: '0.11.0', failPromptsContaining: 'hexadecimal'})
    const leak = check(report, 'prompt.canary-leak')
    expect(leak.status).toBe('pass')
    expect(leak.evidence).toContain('6 answered / 7 sent')
  })

  it('skips only when no prompt was answered', async () => {
    const {report} = await smoke({kind: 'vllm', version: '0.11.0', failPromptsContaining: ''})
    const leak = check(report, 'prompt.canary-leak')
    expect(leak.status).toBe('skip')
    expect(leak.evidence).toMatch(/^0 answered \/ 7 sent/)
  })
})
