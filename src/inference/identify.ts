import {httpRequest, type HttpResponse} from './http-client.js'
import type {EndpointTarget, ServerIdentity} from './inference.types.js'
import {authHeaders, tryParseJson} from './openai-client.js'

type Get = (path: string) => Promise<HttpResponse | null>

function stringField(value: unknown, key: string): string | null {
  const field = (value as Record<string, unknown> | undefined)?.[key]
  return typeof field === 'string' && field.length > 0 && field.length < 200 ? field : null
}

/** Reads a server kind and version from one answer; null when it says nothing. */
export function identifyFromAnswer(path: string, res: HttpResponse): ServerIdentity | null {
  if (res.status !== 200) return null
  const json = tryParseJson(res.body)
  if (path === '/api/version') {
    const version = stringField(json, 'version')
    return version ? {kind: 'ollama', version, source: `GET ${path}`} : null
  }
  if (path === '/info' && stringField(json, 'model_id')) {
    return {kind: 'tgi', version: stringField(json, 'version'), source: `GET ${path}`}
  }
  if (path === '/props' && json && typeof json === 'object' && 'default_generation_settings' in json) {
    return {kind: 'llama.cpp', version: stringField(json, 'build_info'), source: `GET ${path}`}
  }
  if (path === '/version') {
    const version = stringField(json, 'version')
    return version ? {kind: 'vllm', version, source: `GET ${path}`} : null
  }
  return null
}

/** Identifies a server from response headers alone (Server, X-Powered-By). */
export function identifyFromHeaders(headers: Record<string, string>): ServerIdentity | null {
  const server = `${headers.server ?? ''} ${headers['x-powered-by'] ?? ''}`.toLowerCase()
  if (server.includes('llama.cpp')) return {kind: 'llama.cpp', version: null, source: 'Server header'}
  if (server.includes('ollama')) return {kind: 'ollama', version: null, source: 'Server header'}
  if (server.includes('lm studio') || server.includes('lmstudio')) {
    return {kind: 'lmstudio', version: null, source: 'Server header'}
  }
  return null
}

/**
 * Identifies the server kind and version from /api/version (Ollama), /info (TGI),
 * /props (llama.cpp), /version (vLLM) and response headers. Only GET requests.
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
  for (const path of ['/api/version', '/info', '/props', '/version']) {
    const res = await get(path)
    if (!res) continue
    const found = identifyFromAnswer(path, res)
    if (found) return found
    fromHeaders ??= identifyFromHeaders(res.headers)
  }
  if (!fromHeaders) {
    const res = await get('/v1/models')
    if (res) fromHeaders = identifyFromHeaders(res.headers)
  }
  return fromHeaders ?? {kind: 'unknown', version: null, source: null}
}
