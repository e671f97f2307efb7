import {RUNTIME_LIST} from '../hardware/index.js'
import {httpRequest, type HttpResponse} from './http-client.js'
import type {EndpointTarget, ServerIdentity} from './inference.types.js'
import {authHeaders, tryParseJson} from './openai-client.js'
import {controlPath} from './probes/control.js'

type Get = (path: string) => Promise<HttpResponse | null>

function stringField(value: unknown, key: string): string | null {
  const field = (value as Record<string, unknown> | undefined)?.[key]
  return typeof field === 'string' && field.length > 0 && field.length < 200 ? field : null
}

/**
 * Every identification route of the runtime catalog, with the runtime it names. A route whose marker
 * is the version itself says least (Ray's dashboard and Ollama both answer /api/version with a
 * `version`), so routes with a distinctive marker are tried first.
 */
const ROUTES = RUNTIME_LIST.flatMap((runtime) => runtime.identify.map((route) => ({...route, kind: runtime.id}))).sort(
  (a, b) => Number(a.marker === a.version) - Number(b.marker === b.version),
)

/** Reads a server kind and version from one answer; null when it says nothing. */
export function identifyFromAnswer(path: string, res: HttpResponse): ServerIdentity | null {
  if (res.status !== 200) return null
  const json = tryParseJson(res.body)
  if (!json || typeof json !== 'object') return null
  for (const route of ROUTES) {
    if (route.path !== path || (json as Record<string, unknown>)[route.marker] == null) continue
    const version = stringField(json, route.version)
    // When the marker is the version itself, an answer without a usable version says nothing.
    if (route.marker === route.version && !version) continue
    return {kind: route.kind, version, source: `GET ${path}`}
  }
  return null
}

/** Identifies a server from response headers alone (Server, X-Powered-By). */
export function identifyFromHeaders(headers: Record<string, string>): ServerIdentity | null {
  const server = `${headers.server ?? ''} ${headers['x-powered-by'] ?? ''}`
  const runtime = RUNTIME_LIST.find((r) => r.serverHeader?.test(server))
  return runtime ? {kind: runtime.id, version: null, source: 'Server header'} : null
}

/**
 * Identifies the server kind and version from the catalog's identification routes (GET only),
 * then from response headers. A route's answer counts only when a random path (the control)
 * does not answer the same way: a server that says `{"version": …}` on every path is no one.
 */
export async function identifyServer(target: EndpointTarget): Promise<ServerIdentity> {
  const get: Get = async (path) => {
    try {
      return await httpRequest(`${target.baseUrl}${path}`, {
        headers: authHeaders(target),
        timeoutMs: target.timeoutMs ?? 10_000,
        maxBodyBytes: 256 * 1024,
        insecure: target.insecure,
      })
    } catch {
      return null
    }
  }
  let fromHeaders: ServerIdentity | null = null
  const control = await get(controlPath())
  for (const path of new Set(ROUTES.map((r) => r.path))) {
    const res = await get(path)
    if (!res) continue
    const found = identifyFromAnswer(path, res)
    if (found && !(control && identifyFromAnswer(path, control))) return found
    fromHeaders ??= identifyFromHeaders(res.headers)
  }
  if (!fromHeaders) {
    const res = await get('/v1/models')
    if (res) fromHeaders = identifyFromHeaders(res.headers)
  }
  return fromHeaders ?? {kind: 'unknown', version: null, source: null}
}
