import {OLLAMA} from '../../hardware/index.js'
import type {SmokeCheck} from '../inference.types.js'
import {MALFORMED_JSON} from './auth.js'
import {AUTH_REFUSED, makeCheck, probeRequest, type ProbeContext} from './probe-context.js'

/**
 * Ollama's model-management routes and the harmless request sent to each. Every body is
 * malformed JSON ("{"), which Ollama's handlers reject with 400 while binding the request,
 * before reading any model name; the blob probe is a HEAD (a stat) of an all-zero digest.
 * Nothing here can pull, push, create, copy or delete a model.
 */
const OLLAMA_MANAGEMENT_PROBES: {method: 'POST' | 'DELETE' | 'HEAD'; path: string; body?: string}[] = [
  {method: 'POST', path: '/api/pull', body: MALFORMED_JSON},
  {method: 'POST', path: '/api/push', body: MALFORMED_JSON},
  {method: 'DELETE', path: '/api/delete', body: MALFORMED_JSON},
  {method: 'POST', path: '/api/create', body: MALFORMED_JSON},
  {method: 'POST', path: '/api/copy', body: MALFORMED_JSON},
  {method: 'HEAD', path: `/api/blobs/sha256:${'0'.repeat(64)}`},
]

/** ollama.management-exposed: management routes answer without credentials. */
export async function checkOllamaManagement(ctx: ProbeContext): Promise<SmokeCheck> {
  if (ctx.server.kind !== OLLAMA.id && ctx.server.kind !== 'unknown') {
    return makeCheck('ollama.management-exposed', 'skip', 'info', `not an Ollama server (${ctx.server.kind})`)
  }
  const exposed: string[] = []
  const refused: string[] = []
  for (const probe of OLLAMA_MANAGEMENT_PROBES) {
    const {res} = await probeRequest(ctx, probe.path, {method: probe.method, body: probe.body, withoutAuth: true})
    if (!res) continue
    const route = `${probe.method} ${probe.path.replace(/sha256:0+$/, 'sha256:…')}`
    if (AUTH_REFUSED.has(res.status)) refused.push(route)
    // 400 is the handler rejecting the malformed body: the route runs without credentials.
    else if (res.status === 400 || (probe.method === 'HEAD' && res.status === 404 && ctx.server.kind === OLLAMA.id)) {
      exposed.push(`${route} → ${res.status}`)
    } else if (res.status === 200) exposed.push(`${route} → ${res.status}`)
  }
  const data = {exposed, refused}
  if (exposed.length > 0) {
    const evidence = `model management reachable without credentials: ${exposed.join(', ')}`
    return makeCheck('ollama.management-exposed', 'fail', 'critical', evidence, data)
  }
  if (ctx.server.kind === 'unknown' && refused.length === 0) {
    return makeCheck('ollama.management-exposed', 'skip', 'info', 'no Ollama management routes found', data)
  }
  return makeCheck(
    'ollama.management-exposed',
    'pass',
    'info',
    'management routes refuse requests without credentials',
    data,
  )
}
