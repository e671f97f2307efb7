import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, runCliJson} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {hasStoriesModel, storiesModel} from '../helpers/models.js'
import {startScriptedServer, type ScriptedServer} from '../helpers/scripted-server.js'
import {schemaErrors} from '../helpers/validate-json.js'

interface Report {
  target: {kind: string}
  checks: {id: string; status: string}[]
  generation?: {tokensGenerated: number; tokensPerSec: number}
}

describe('llmsec smoke', () => {
  let server: ScriptedServer
  beforeAll(async () => {
    server = await startScriptedServer({kind: 'ollama', version: '0.1.30', managementExposed: true})
  })
  afterAll(async () => server?.close())

  it.skipIf(skipReason(!hasStoriesModel, `${storiesModel} is absent`))(
    'passes on the real GGUF in-process and reports tokens generated and tokens/s',
    async () => {
      const run = await runCliJson<Report>(['smoke', '--gguf', storiesModel, '--threads', '1', '--gpu', 'cpu'], {
        timeoutMs: 180_000,
      })
      expect(run.exitCode).toBe(0)
      expect(schemaErrors('smoke', run.json)).toBeNull()
      expect(run.json.target.kind).toBe('gguf')
      expect(run.json.generation?.tokensGenerated).toBeGreaterThan(0)
      expect(run.json.generation?.tokensPerSec).toBeGreaterThan(0)
      expect(run.json.checks.filter((c) => c.status === 'fail')).toEqual([])
    },
    240_000,
  )

  it.skipIf(skipReason(!hasStoriesModel, `${storiesModel} is absent`))(
    '--prompts on the real tiny GGUF (it cannot follow instructions): every family inconclusive through its chat template, exit 4',
    async () => {
      const args = ['smoke', '--gguf', storiesModel, '--threads', '1', '--gpu', 'cpu', '--prompts', '--samples', '1']
      const run = await runCliJson<Report>(args, {timeoutMs: 400_000})
      expect(run.exitCode).toBe(4)
      expect(schemaErrors('smoke', run.json)).toBeNull()
      const families = run.json.checks.filter((c) => c.id.startsWith('prompt.') && c.id !== 'prompt.canary-leak')
      expect(families.map((c) => c.status)).toEqual(Array.from({length: 7}, () => 'inconclusive'))
    },
    450_000,
  )

  it('exits 1 with findings against an exposed Ollama and prints a table', async () => {
    const run = await runCli(['smoke', '--endpoint', server.url, '--burst', '3'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/FAIL\s+critical\s+ollama\.management-exposed/)
    expect(run.stdout).toMatch(/CVE-2024-37032/)
  })

  it('--prompts against a model that cannot follow instructions: every family inconclusive, exit 4', async () => {
    // Behind a key and unidentified, so no other check fails: the exit code is the families' alone.
    const incapable = await startScriptedServer({kind: 'generic', apiKey: 'k3y', model: {capable: false}})
    try {
      const args = [
        'smoke',
        '--endpoint',
        incapable.url,
        '--api-key',
        'k3y',
        '--burst',
        '1',
        '--prompts',
        '--samples',
        '2',
      ]
      const run = await runCliJson<Report>([...args, '--temperature', '0.5'])
      expect(run.exitCode).toBe(4)
      expect(schemaErrors('smoke', run.json)).toBeNull()
      const families = run.json.checks.filter((c) => c.id.startsWith('prompt.') && c.id !== 'prompt.canary-leak')
      expect(families.map((c) => c.status)).toEqual(Array.from({length: 7}, () => 'inconclusive'))
      const table = await runCli(args)
      expect(table.stdout).toMatch(/inconclusive\s+info\s+prompt\.goal-hijack/)
      expect(table.stdout).toMatch(/7 inconclusive/)
      const bad = await runCli([...args, '--temperature', '3'])
      expect(bad.exitCode).toBe(2)
    } finally {
      await incapable.close()
    }
  })

  it('rejects --endpoint with --gguf, a bad URL, and no target at all (exit 2, one line)', async () => {
    const both = await runCliJson<{error: {code: string; message: string}}>([
      'smoke',
      '--endpoint',
      server.url,
      '--gguf',
      'x.gguf',
    ])
    expect(both.exitCode).toBe(2)
    expect(both.json.error.message).toMatch(/not both/)
    const bad = await runCli(['smoke', '--endpoint', 'not a url'])
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    const none = await runCli(['smoke', '--config', '/dev/null'])
    expect(none.exitCode).toBe(2)
    expect(none.stderr).toMatch(/Nothing to smoke-test/)
  })

  it('says clearly when the endpoint is unreachable', async () => {
    const closed = await startScriptedServer({kind: 'vllm'})
    await closed.close()
    const run = await runCli(['smoke', '--endpoint', closed.url])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/models: ECONNREFUSED/)
  })

  it('refuses a GGUF that does not exist', async () => {
    const run = await runCli(['smoke', '--gguf', '/nonexistent/model.gguf'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/does not exist/)
  })
})
