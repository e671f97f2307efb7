import {usageError} from '../core/errors.js'
import {httpRequest, streamSse, type HttpResponse} from './http-client.js'
import type {EndpointTarget} from './inference.types.js'

interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface ChatRequest {
  messages: ChatMessage[]
  maxTokens: number
  temperature?: number
  /** Send the request without credentials (auth probes). */
  withoutAuth?: boolean
  /** Extra body fields (e.g. ignore_eos for vLLM). */
  extra?: Record<string, unknown>
}

interface Usage {
  promptTokens: number | null
  completionTokens: number | null
}

export interface ChatResult {
  status: number
  text: string
  usage: Usage | null
  response: HttpResponse
}

export interface StreamResult {
  status: number
  ok: boolean
  /** Why the request failed (status line and body start), when it did. */
  error: string | null
  text: string
  ttftMs: number | null
  /** Gaps between consecutive content chunks. */
  itlMs: number[]
  e2eMs: number
  contentChunks: number
  promptTokens: number | null
  outputTokens: number
  tokenSource: 'usage' | 'native' | 'approximate'
  /** Whether the stream ended with an OpenAI usage block. */
  usageBlock: boolean
}

/** Normalises a user-given endpoint: no trailing slash, no /v1 suffix. */
export function normaliseBaseUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw usageError(`${url} is not a URL; expected e.g. http://127.0.0.1:8000.`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw usageError(`${url} must start with http:// or https://.`)
  }
  return parsed.href.replace(/\/+$/, '').replace(/\/v1$/, '')
}

export function authHeaders(target: EndpointTarget, withAuth = true): Record<string, string> {
  const headers: Record<string, string> = {'content-type': 'application/json', accept: 'application/json'}
  if (withAuth && target.apiKey) headers.authorization = `Bearer ${target.apiKey}`
  return headers
}

function bodyOf(target: EndpointTarget, request: ChatRequest, stream: boolean): string {
  return JSON.stringify({
    model: target.model ?? 'default',
    messages: request.messages,
    max_tokens: request.maxTokens,
    temperature: request.temperature ?? 0,
    stream,
    ...(stream ? {stream_options: {include_usage: true}} : {}),
    ...request.extra,
  })
}

/**
 * One HEAD-like GET of /v1/models: throws ENDPOINT_UNREACHABLE (or TIMEOUT) when nothing answers,
 * so a dead endpoint is an input error (exit 2) and not a run of failed requests.
 */
export async function assertReachable(target: EndpointTarget): Promise<void> {
  await httpRequest(`${target.baseUrl}/v1/models`, {
    headers: authHeaders(target),
    timeoutMs: target.timeoutMs,
    insecure: target.insecure,
    headersOnly: true,
  })
}

/** Parses JSON without throwing; non-JSON gives undefined. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function usageOf(value: unknown): Usage | null {
  const usage = (value as {usage?: {prompt_tokens?: unknown; completion_tokens?: unknown}} | undefined)?.usage
  if (!usage || typeof usage !== 'object') return null
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  return {promptTokens: num(usage.prompt_tokens), completionTokens: num(usage.completion_tokens)}
}

/** GET /v1/models: the model ids the server lists. */
export async function listModels(target: EndpointTarget): Promise<{response: HttpResponse; models: string[]}> {
  const response = await httpRequest(`${target.baseUrl}/v1/models`, {
    headers: authHeaders(target),
    timeoutMs: target.timeoutMs,
    insecure: target.insecure,
  })
  const parsed = tryParseJson(response.body) as {data?: {id?: unknown}[]} | undefined
  const models = Array.isArray(parsed?.data)
    ? parsed.data.map((m) => m?.id).filter((id): id is string => typeof id === 'string')
    : []
  return {response, models}
}

/** POST /v1/chat/completions without streaming. */
export async function chatCompletion(target: EndpointTarget, request: ChatRequest): Promise<ChatResult> {
  const response = await httpRequest(`${target.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: authHeaders(target, !request.withoutAuth),
    body: bodyOf(target, request, false),
    timeoutMs: target.timeoutMs,
    insecure: target.insecure,
  })
  const parsed = tryParseJson(response.body) as {choices?: {message?: {content?: unknown}}[]} | undefined
  const content = parsed?.choices?.[0]?.message?.content
  return {status: response.status, text: typeof content === 'string' ? content : '', usage: usageOf(parsed), response}
}

interface StreamState {
  firstAt: number | null
  lastAt: number | null
  itl: number[]
  text: string[]
  chunks: number
  usage: Usage | null
  native: number | null
}

function handleChunk(state: StreamState, data: string, at: number): void {
  if (data === '[DONE]') return
  const parsed = tryParseJson(data) as
    | {choices?: {delta?: {content?: unknown; reasoning_content?: unknown}}[]; timings?: {predicted_n?: unknown}}
    | undefined
  if (!parsed) return
  const usage = usageOf(parsed)
  if (usage) state.usage = usage
  const predicted = parsed.timings?.predicted_n
  if (typeof predicted === 'number') state.native = predicted
  const delta = parsed.choices?.[0]?.delta
  const piece = typeof delta?.content === 'string' ? delta.content : ''
  const reasoning = typeof delta?.reasoning_content === 'string' ? delta.reasoning_content : ''
  if (piece === '' && reasoning === '') return
  state.chunks++
  state.text.push(piece)
  if (state.firstAt === null) state.firstAt = at
  else if (state.lastAt !== null) state.itl.push(at - state.lastAt)
  state.lastAt = at
}

/**
 * POST /v1/chat/completions with stream: true, timing each content chunk. TTFT, ITL and
 * end-to-end latency follow vLLM's benchmark: from the request being sent to the first
 * content chunk, between content chunks, and to the end of the stream.
 */
export async function streamChat(target: EndpointTarget, request: ChatRequest): Promise<StreamResult> {
  const state: StreamState = {firstAt: null, lastAt: null, itl: [], text: [], chunks: 0, usage: null, native: null}
  const res = await streamSse(
    `${target.baseUrl}/v1/chat/completions`,
    {
      method: 'POST',
      headers: {...authHeaders(target, !request.withoutAuth), accept: 'text/event-stream'},
      body: bodyOf(target, request, true),
      timeoutMs: target.timeoutMs,
      insecure: target.insecure,
    },
    (event, at) => handleChunk(state, event.data, at),
  )
  const ok = res.status >= 200 && res.status < 300 && res.events > 0
  const error = ok ? null : `HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 200).trim()}` : ''}`
  const fromUsage = state.usage?.completionTokens ?? null
  const tokenSource = fromUsage !== null ? 'usage' : state.native !== null ? 'native' : 'approximate'
  return {
    status: res.status,
    ok,
    error,
    text: state.text.join(''),
    ttftMs: state.firstAt === null ? null : state.firstAt - res.startedAt,
    itlMs: state.itl,
    e2eMs: res.durationMs,
    contentChunks: state.chunks,
    promptTokens: state.usage?.promptTokens ?? null,
    outputTokens: fromUsage ?? state.native ?? state.chunks,
    tokenSource,
    usageBlock: state.usage !== null,
  }
}
