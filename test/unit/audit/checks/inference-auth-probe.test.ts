import {createServer, type Server} from 'node:http'

import {afterAll} from 'vitest'

import {check} from '../../../../src/audit/checks/inference-auth-probe.js'
import {checkTester} from '../../../helpers/check-tester.js'

/** A real HTTP API on 127.0.0.1 answering every request with `status`. */
async function listen(status: number): Promise<{server: Server; port: number}> {
  const server = createServer((_req, res) => {
    res.statusCode = status
    res.end(status === 200 ? '{"models":[]}' : 'unauthorized')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {server, port: (server.address() as {port: number}).port}
}

const open = await listen(200)
const closed = await listen(401)
afterAll(async () => {
  for (const {server} of [open, closed]) await new Promise<void>((resolve) => server.close(() => resolve()))
})

checkTester.run(check, {
  valid: [
    {
      name: 'an API that demands credentials',
      probe: true,
      params: {ports: [closed.port], paths: ['/api/tags']},
      evidence: [`GET http://127.0.0.1:${closed.port}/api/tags → 401`],
    },
  ],
  invalid: [
    {
      name: 'without --probe',
      status: 'not-applicable',
      params: {ports: [open.port]},
      reason: 'endpoints are probed only with --probe',
    },
    {
      name: 'a real local API that answers without credentials',
      status: 'fail',
      probe: true,
      params: {ports: [open.port], paths: ['/v1/models']},
      evidence: [`GET http://127.0.0.1:${open.port}/v1/models → 200 without credentials`],
    },
    {name: 'a port nothing listens on', status: 'not-applicable', probe: true, params: {ports: [1]}},
  ],
  invalidParams: [{ports: []}, {ports: [70000]}, {ports: [80], paths: ['v1/models']}],
})
