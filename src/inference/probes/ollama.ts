import {OLLAMA} from '../../hardware/index.js'
import type {HttpResponse} from '../http-client.js'
import type {SmokeCheck} from '../inference.types.js'
import {MALFORMED_JSON} from './auth.js'
import {probeWithControl, routeShows} from './control.js'
import {AUTH_REFUSED, makeCheck, type ProbeContext} from './probe-context.js'

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

/** The handler ran: it rejected the malformed body (400), or answered (200; a HEAD of a missing blob: 404). */
function handlerRan(method: string): (res: HttpResponse) => boolean {
  return (res) => res.status === 400 || res.status === 200 || (method === 'HEAD' && res.status === 404)
}

/**
 * ollama.management-exposed: management routes answer without credentials. Only for a server
 * identified as Ollama, and only where the route answers unlike a random path.
 */
export async function checkOllamaManagement(ctx: ProbeContext): Promise<SmokeCheck> {
  if (ctx.server.kind !== OLLAMA.id) {
    const why =
      ctx.server.kind === 'unknown'
        ? 'the server was not identified as Ollama'
        : `not an Ollama server (${ctx.server.kind})`
    return makeCheck('ollama.management-exposed', 'skip', 'info', why)
  }
  const exposed: string[] = []
  const refused: string[] = []
  const alike: string[] = []
  for (const probe of OLLAMA_MANAGEMENT_PROBES) {
    const answer = await probeWithControl(ctx, probe.path, {method: probe.method, body: probe.body, withoutAuth: true})
    if (!answer.res) continue
    const route = `${probe.method} ${probe.path.replace(/sha256:0+$/, 'sha256:…')}`
    if (AUTH_REFUSED.has(answer.res.status)) refused.push(route)
    else if (routeShows(answer, handlerRan(probe.method))) exposed.push(`${route} → ${answer.res.status}`)
    else if (answer.control && handlerRan(probe.method)(answer.control)) alike.push(route)
  }
  const data = {exposed, refused, sameAsControl: alike}
  if (exposed.length > 0) {
    const evidence = `model management reachable without credentials: ${exposed.join(', ')}`
    return makeCheck('ollama.management-exposed', 'fail', 'critical', evidence, data)
  }
  if (refused.length === 0) {
    const why =
      alike.length > 0
        ? `management routes answer like a random path (${alike.length} of ${OLLAMA_MANAGEMENT_PROBES.length}): not evidence of exposure`
        : 'no Ollama management route answered'
    return makeCheck('ollama.management-exposed', 'skip', 'info', why, data)
  }
  return makeCheck(
    'ollama.management-exposed',
    'pass',
    'info',
    'management routes refuse requests without credentials',
    data,
  )
}

/** Ollama's read-only routes: the models on disk, the models loaded, and a model's details. */
const OLLAMA_READ_PROBES: {
  method: 'GET' | 'POST'
  path: string
  body?: string
  shows: (res: HttpResponse) => boolean
}[] = [
  {method: 'GET', path: '/api/tags', shows: (res) => res.status === 200 && /"models"\s*:/.test(res.body)},
  {method: 'GET', path: '/api/ps', shows: (res) => res.status === 200 && /"models"\s*:/.test(res.body)},
  // Malformed JSON: the handler rejects it while binding the request (400), before any lookup.
  {method: 'POST', path: '/api/show', body: MALFORMED_JSON, shows: (res) => res.status === 400},
]

/** ollama.api-exposed: model lists and details readable without credentials (identified Ollama only). */
export async function checkOllamaReadApi(ctx: ProbeContext): Promise<SmokeCheck> {
  if (ctx.server.kind !== OLLAMA.id) {
    return makeCheck('ollama.api-exposed', 'skip', 'info', `not identified as Ollama (${ctx.server.kind})`)
  }
  const exposed: string[] = []
  let refused = 0
  for (const probe of OLLAMA_READ_PROBES) {
    const answer = await probeWithControl(ctx, probe.path, {method: probe.method, body: probe.body, withoutAuth: true})
    if (answer.res && AUTH_REFUSED.has(answer.res.status)) refused++
    else if (routeShows(answer, probe.shows)) exposed.push(`${probe.method} ${probe.path}`)
  }
  if (exposed.length === 0) {
    const why = refused > 0 ? 'refused without credentials' : 'no read route answered unlike a random path'
    return makeCheck('ollama.api-exposed', 'pass', 'info', why)
  }
  const evidence = `answered without credentials: ${exposed.join(', ')} (which models are on disk and loaded)`
  return makeCheck('ollama.api-exposed', 'fail', 'medium', evidence, {exposed})
}
