import {createServer, type Server} from 'node:http'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {FactCache} from '../../../../src/audit/facts/index.js'
import {findCheck} from '../../../../src/audit/checks/index.js'
import {createTestFacts} from '../../../helpers/check-context.js'

async function listen(status: number): Promise<{server: Server; port: number}> {
  const server = createServer((_req, res) => {
    res.statusCode = status
    res.end(status === 200 ? '{"models":[]}' : 'unauthorized')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {server, port: (server.address() as {port: number}).port}
}

async function run(params: object, probe: boolean) {
  const facts: FactCache = createTestFacts({live: true})
  Object.assign(facts.env, {probe})
  return findCheck('inference-auth-probe')!.run({...facts.env, facts, params: params as Record<string, unknown>})
}

describe('inference-auth-probe', () => {
  let open: {server: Server; port: number}
  let closed: {server: Server; port: number}
  beforeAll(async () => {
    open = await listen(200)
    closed = await listen(401)
  })
  afterAll(async () => {
    for (const {server} of [open, closed]) await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('skips without --probe', async () => {
    expect(await run({ports: [open.port]}, false)).toMatchObject({
      status: 'skip',
      reason: 'endpoints are probed only with --probe',
    })
  })

  it('fails for a real local API that answers without credentials', async () => {
    const out = await run({ports: [open.port], paths: ['/v1/models']}, true)
    expect(out.status).toBe('fail')
    expect(out.evidence).toEqual([`GET http://127.0.0.1:${open.port}/v1/models → 200 without credentials`])
  })

  it('passes for an API that demands credentials, and skips ports nothing listens on', async () => {
    const out = await run({ports: [closed.port], paths: ['/api/tags']}, true)
    expect(out).toMatchObject({status: 'pass', evidence: [`GET http://127.0.0.1:${closed.port}/api/tags → 401`]})
    expect((await run({ports: [1]}, true)).status).toBe('skip')
  })
})
