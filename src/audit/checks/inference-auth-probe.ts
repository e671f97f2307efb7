import {request} from 'node:http'

import {RUNTIMES} from '../../hardware/index.js'
import {PORTS_PARAM} from '../check-helpers.js'
import {defineCheck, outcome} from '../check.js'

interface Params {
  /** Default: the main port of every catalog runtime that serves an HTTP API. */
  ports?: number[]
  paths?: string[]
}

/** Main ports of the catalog runtimes whose API answers /v1/models or /api/tags. */
const DEFAULT_PORTS = [...new Set(RUNTIMES.filter((r) => r.openaiApi).map((r) => r.ports[0].port))]

const PROBE_TIMEOUT_MS = 2_000

/** GETs a path on 127.0.0.1 and returns the status code (null when nothing answers). */
function probe(port: number, path: string, signal?: AbortSignal): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request({host: '127.0.0.1', port, path, method: 'GET', timeout: PROBE_TIMEOUT_MS, signal}, (res) => {
      res.resume()
      resolve(res.statusCode ?? null)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(null))
    req.end()
  })
}

export const check = defineCheck<Params>()({
  id: 'inference-auth-probe',
  title: 'Inference APIs demand authentication (probed with --probe)',
  description:
    'With --probe only: sends one GET per path to 127.0.0.1 on each listening inference port (default: the main port of every catalog runtime with an OpenAI-style API); an API that lists models without credentials fails. Never connects to other addresses.',
  live: true,
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ports: PORTS_PARAM,
      paths: {type: 'array', minItems: 1, items: {type: 'string', pattern: '^/'}, nullable: true},
    },
  },
  async run({probe: allowed, facts, params, signal}) {
    if (!allowed) return outcome.notApplicable('endpoints are probed only with --probe')
    const listening = new Set(
      (await facts.get('sockets')).filter((s) => s.protocol.startsWith('tcp')).map((s) => s.port),
    )
    const wanted = params.ports ?? DEFAULT_PORTS
    const ports = wanted.filter((p) => listening.has(p))
    if (!ports.length) return outcome.notApplicable(`nothing listens on ports ${wanted.join(', ')}`)
    const open: string[] = []
    const closed: string[] = []
    for (const port of ports) {
      for (const path of params.paths ?? ['/api/tags', '/v1/models']) {
        const status = await probe(port, path, signal)
        const line = `GET http://127.0.0.1:${port}${path} → ${status ?? 'no HTTP answer'}`
        if (status !== null && status >= 200 && status < 300) open.push(`${line} without credentials`)
        else closed.push(line)
      }
    }
    return open.length ? outcome.fail([...open, ...closed]) : outcome.pass(closed)
  },
})
