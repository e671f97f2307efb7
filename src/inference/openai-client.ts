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
  /** Waiting for a socket of the agent. */
  queueMs: number
  /** Opening the connection; 0 on a kept-alive one. */
  connectMs: number
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
  /** `data: [DONE]` arrived. */
  done: boolean
  /** A chunk carried a finish_reason (the final chunk). */
  finished: boolean
  /** An error event inside the stream (`{"error": …}`, `"object": "error"` or `event: error`). */
  streamError: string | null
}

type ChunkJson = {
  object?: unknown
  error?: unknown
  message?: unknown
  choices?: {delta?: {content?: unknown; reasoning_content?: unknown}; finish_reason?: unknown}[]
  timings?: {predicted_n?: unknown}
}

function errorMessageOf(parsed: ChunkJson): string | null {
  if (parsed.error === undefined && parsed.object !== 'error') return null
  const error = parsed.error as {message?: unknown} | string | undefined
  const message = typeof error === 'string' ? error : (error?.message ?? parsed.message)
  return typeof message === 'string' ? message.slice(0, 200) : 'error event'
}

function handleChunk(state: StreamState, event: {event: string; data: string}, at: number): void {
  if (event.data === '[DONE]') {
    state.done = true
    return
  }
  const parsed = tryParseJson(event.data) as ChunkJson | undefined
  if (event.event === 'error' || (parsed && typeof parsed === 'object' && errorMessageOf(parsed) !== null)) {
    state.streamError ??= (parsed && errorMessageOf(parsed)) || event.data.slice(0, 200)
    return
  }
  if (!parsed) return
  const usage = usageOf(parsed)
  if (usage) state.usage = usage
  const predicted = parsed.timings?.predicted_n
  if (typeof predicted === 'number') state.native = predicted
  const choice = parsed.choices?.[0]
  if (typeof choice?.finish_reason === 'string') state.finished = true
  const delta = choice?.delta
  const piece = typeof delta?.content === 'string' ? delta.content : ''
  const reasoning = typeof delta?.reasoning_content === 'string' ? delta.reasoning_content : ''
  if (piece === '' && reasoning === '') return
  state.chunks++
  state.text.push(piece || reasoning)
  if (state.firstAt === null) state.firstAt = at
  else if (state.lastAt !== null) state.itl.push(at - state.lastAt)
  state.lastAt = at
}

/** Why a stream is not a success, or null: HTTP status, an error event, no end marker, no content. */
function streamFailure(status: number, body: string, events: number, state: StreamState): string | null {
  if (status < 200 || status >= 300) return `HTTP ${status}${body ? `: ${body.slice(0, 200).trim()}` : ''}`
  if (events === 0) return `not an event stream${body ? `: ${body.slice(0, 200).trim()}` : ''}`
  if (state.streamError !== null) return `error event in the stream: ${state.streamError}`
  if (!state.done && !state.finished) return 'stream ended before [DONE] or a final chunk'
  if (state.chunks === 0) return 'no content chunk'
  return null
}

/** Counts tokens from text without a tokenizer: about four characters per token, at least one per chunk. */
function approximateTokens(text: string, chunks: number): number {
  return Math.max(chunks, Math.round(text.length / 4))
}

/**
 * POST /v1/chat/completions with stream: true, timing each content chunk. TTFT, ITL and
 * end-to-end latency follow vLLM's benchmark: from the request being sent to the first
 * content chunk, between content chunks, and to the end of the stream.
 */
export async function streamChat(target: EndpointTarget, request: ChatRequest): Promise<StreamResult> {
  const state: StreamState = {
    firstAt: null,
    lastAt: null,
    itl: [],
    text: [],
    chunks: 0,
    usage: null,
    native: null,
    done: false,
    finished: false,
    streamError: null,
  }
  const res = await streamSse(
    `${target.baseUrl}/v1/chat/completions`,
    {
      method: 'POST',
      headers: {...authHeaders(target, !request.withoutAuth), accept: 'text/event-stream'},
      body: bodyOf(target, request, true),
      timeoutMs: target.timeoutMs,
      insecure: target.insecure,
    },
    (event, at) => handleChunk(state, event, at),
  )
  const error = streamFailure(res.status, res.body, res.events, state)
  const fromUsage = state.usage?.completionTokens ?? null
  const tokenSource = fromUsage !== null ? 'usage' : state.native !== null ? 'native' : 'approximate'
  const text = state.text.join('')
  return {
    status: res.status,
    ok: error === null,
    error,
    text,
    ttftMs: state.firstAt === null ? null : state.firstAt - res.sentAt,
    itlMs: state.itl,
    e2eMs: res.durationMs,
    queueMs: res.queueMs,
    connectMs: res.connectMs,
    contentChunks: state.chunks,
    promptTokens: state.usage?.promptTokens ?? null,
    outputTokens: fromUsage ?? state.native ?? approximateTokens(text, state.chunks),
    tokenSource,
    usageBlock: state.usage !== null,
  }
}
