import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCliJson} from '../../helpers/cli.js'
import {skipReason} from '../../helpers/env.js'
import {startLlamaServer, type LlamaServer} from '../../helpers/llama-openai-server.js'
import {hasStoriesModel, storiesModel} from '../../helpers/models.js'
import {schemaErrors} from '../../helpers/validate-json.js'

type Report = {checks: {id: string; status: string}[]; summary: {fail: number}; server: {kind: string}}

const skip = skipReason(!hasStoriesModel, `${storiesModel} is absent: no real model for the node-llama-cpp test server`)

describe.skipIf(skip)('smoke against an OpenAI-compatible server backed by node-llama-cpp (real inference)', () => {
  let secured: LlamaServer
  let open: LlamaServer

  beforeAll(async () => {
    secured = await startLlamaServer(storiesModel, {apiKey: 'sk-llmsec-test'})
    open = await startLlamaServer(storiesModel)
  })
  afterAll(async () => {
    await secured?.close()
    await open?.close()
  })

  it('passes with auth on, and every inference check really ran', {timeout: 180_000}, async () => {
    const run = await runCliJson<Report>(['smoke', '--endpoint', secured.url, '--seed', '5', '--burst', '5'], {
      env: {LLMSEC_API_KEY: 'sk-llmsec-test'},
      timeoutMs: 120_000,
    })
    expect(schemaErrors('smoke', run.json)).toBeNull()
    const status = Object.fromEntries(run.json.checks.map((c) => [c.id, c.status]))
    expect(status).toMatchObject({
      'inference.models': 'pass',
      'inference.completion': 'pass',
      'inference.stream': 'pass',
      'auth.required': 'pass',
      'cors.origin': 'pass',
      'metrics.exposed': 'pass',
      'prompt.canary-leak': 'pass',
      'limits.max-tokens': 'pass',
    })
    expect(run.json.summary.fail).toBe(0)
    expect(run.exitCode).toBe(0)
  })

  it('fails auth.required with auth off and exits 1', {timeout: 180_000}, async () => {
    const run = await runCliJson<Report>(['smoke', '--endpoint', open.url, '--seed', '5', '--burst', '5'], {
      timeoutMs: 120_000,
    })
    expect(schemaErrors('smoke', run.json)).toBeNull()
    expect(run.json.checks.find((c) => c.id === 'auth.required')?.status).toBe('fail')
    expect(run.json.checks.find((c) => c.id === 'inference.completion')?.status).toBe('pass')
    expect(run.exitCode).toBe(1)
  })
})
