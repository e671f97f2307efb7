import http from 'node:http'
import type {AddressInfo} from 'node:net'

import {scriptedAnswer, type ScriptedModel} from './scripted-model.js'

/**
 * A scripted HTTP server imitating vLLM, llama.cpp or Ollama routes, with chosen
 * misconfigurations and fixed timings. It records every request so tests can assert what
 * was (and was not) sent. Listens on 127.0.0.1, random port.
 */
export interface ScriptedServerOptions {
  /** 'generic': only the OpenAI routes, like mock LLM servers. */
  kind: 'vllm' | 'llama.cpp' | 'ollama' | 'tgi' | 'triton' | 'ray' | 'generic'
  version?: string
  /** vLLM guards only /v1/*; llama.cpp guards everything but /health; Ollama has no auth of its own. */
  apiKey?: string
  /** Answers with the system prompt, like a model that obeys extraction prompts. */
  leakySystemPrompt?: boolean
  /** A scripted chat model that answers from the prompts (prompt-security families). */
  model?: ScriptedModel
  /** llama.cpp: GET /slots served (started with --slots). */
  slots?: boolean
  /** llama.cpp: /props needs the key too (it is public by default here). */
  guardProps?: boolean
  /** vLLM: /openapi.json served, with the development routes (VLLM_SERVER_DEV_MODE=1) or without. */
  openapi?: 'dev' | 'plain'
  /** Triton: /v2 advertises the model repository extension. */
  modelControl?: boolean
  /** Requests whose Host header is not this server's own address get 403 (Ollama's DNS-rebinding guard). */
  hostCheck?: boolean
  /** How leaked system prompts come back. */
  leakEncoding?: 'raw' | 'base64'
  cors?: 'none' | 'wildcard' | 'reflect'
  /** /metrics served without credentials. */
  metrics?: boolean
  /** Ollama management routes answer (400 for malformed bodies) instead of 403. */
  managementExposed?: boolean
  /** Requests allowed per second on completions before 429 (default: no limit). */
  rateLimitPerSec?: number
  /** max_tokens above this is rejected with 400 (default 4096; 0 accepts anything). */
  maxContext?: number
  ttftMs?: number
  itlMs?: number
  /** Tokens per answer (capped by max_tokens). */
  outputTokens?: number
  /** Stream every chunk at once without delays (client throughput measurements). */
  noDelay?: boolean
  /** Like Express's JSON body parser in front of every route: any body that is not JSON gets 400, on any path. */
  rejectMalformedEverywhere?: boolean
  /** Every GET the server has no route for answers 200 {"version": …} (a catch-all). */
  versionEverywhere?: boolean
  /** Chat requests whose last message contains this text fail with HTTP 500. */
  failPromptsContaining?: string
  /** Streamed request n gets fault n % length ('ok': none), so tests know how many of each. */
  streamFaults?: StreamFault[]
  /** Streams carry no usage block, even when asked. */
  noUsage?: boolean
  /** Characters per streamed chunk (default: one word per chunk). A token is a word. */
  chunkChars?: number
}

/** What goes wrong with one stream: an error event, an end without [DONE], a cut connection, HTTP 500. */
export type StreamFault = 'ok' | 'error-event' | 'no-done' | 'cut' | 'http-500'

export interface RecordedRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: string
  /** For streamed answers: when each content chunk was written, in ms after the request arrived. */
  chunkOffsetsMs?: number[]
  /** Wall-clock times (performance.timeOrigin + now, comparable across threads): headers read, body read. */
  headersAtMs?: number
  bodyAtMs?: number
}

export interface ScriptedServer {
  url: string
  port: number
  requests: RecordedRequest[]
  close(): Promise<void>
}

interface ChatBody {
  messages?: {role?: string; content?: string}[]
  max_tokens?: number
  stream?: boolean
  stream_options?: {include_usage?: boolean}
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

const FILLER = ' the cat sat on a mat and then it went to sleep in the sun'.split(/(?= )/)

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const type = typeof body === 'string' ? 'text/plain' : 'application/json'
  res.writeHead(status, {'content-type': type, 'content-length': Buffer.byteLength(text), ...headers})
  res.end(text)
}

function answerPieces(options: ScriptedServerOptions, body: ChatBody, count: number): string[] {
  const system = body.messages?.find((m) => m.role === 'system')?.content
  if (options.model) {
    const text = scriptedAnswer(options.model, system ?? '', body.messages?.at(-1)?.content ?? '')
    return text.split(/(?= )/)
  }
  if (options.leakySystemPrompt && system) {
    const text = options.leakEncoding === 'base64' ? Buffer.from(system).toString('base64') : system
    return text.match(/.{1,8}/gs) ?? [text]
  }
  const words = Array.from({length: count}, (_, i) => FILLER[i % FILLER.length])
  if (!options.chunkChars) return words
  return words.join('').match(new RegExp(`.{1,${options.chunkChars}}`, 'gs')) ?? []
}

/** The scripted tokenizer: one token per word, as /tokenize and usage report. */
export function scriptedTokenCount(text: string): number {
  return text.split(' ').filter(Boolean).length
}

function corsHeaders(options: ScriptedServerOptions, req: http.IncomingMessage): Record<string, string> {
  const origin = req.headers.origin
  if (!origin || !options.cors || options.cors === 'none') return {}
  return {'access-control-allow-origin': options.cors === 'wildcard' ? '*' : origin}
}

function isAuthorised(options: ScriptedServerOptions, req: http.IncomingMessage, path: string): boolean {
  if (!options.apiKey) return true
  if (options.kind === 'vllm' && !path.startsWith('/v1')) return true
  if (options.kind === 'llama.cpp' && (path === '/health' || (path === '/props' && !options.guardProps))) return true
  return req.headers.authorization === `Bearer ${options.apiKey}`
}

function streamChat(
  options: ScriptedServerOptions,
  res: http.ServerResponse,
  body: ChatBody,
  started: number,
  record: RecordedRequest,
  fault: StreamFault,
) {
  const offsets: number[] = []
  record.chunkOffsetsMs = offsets
  const count = Math.min(body.max_tokens ?? 16, options.outputTokens ?? 16)
  const pieces = answerPieces(options, body, count)
  if (fault === 'http-500') return send(res, 500, {error: {message: 'scripted failure'}})
  res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'})
  // Headers go out at once, as vLLM's and llama.cpp's streaming responses do; content follows.
  res.flushHeaders()
  const chunk = (content: string) =>
    `data: ${JSON.stringify({object: 'chat.completion.chunk', choices: [{index: 0, delta: {content}}]})}\n\n`
  const finish = () => {
    if (fault === 'error-event')
      res.write(`data: ${JSON.stringify({error: {message: 'scripted out of memory', code: 500}})}\n\n`)
    if (fault === 'cut') return res.socket?.destroy()
    if (fault === 'no-done') return res.end()
    if (body.stream_options?.include_usage && !options.noUsage) {
      const tokens = scriptedTokenCount(pieces.join(''))
      const usage = {prompt_tokens: 10, completion_tokens: tokens, total_tokens: 10 + tokens}
      res.write(`data: ${JSON.stringify({object: 'chat.completion.chunk', choices: [], usage})}\n\n`)
    }
    res.end('data: [DONE]\n\n')
  }
  if (options.noDelay) {
    res.write(pieces.map(chunk).join(''))
    finish()
    return
  }
  const ttft = options.ttftMs ?? 0
  const itl = options.itlMs ?? 0
  let i = 0
  const next = () => {
    if (res.destroyed) return
    offsets.push(performance.now() - started)
    res.write(chunk(pieces[i++]))
    if (i >= pieces.length) return finish()
    // Aim at the absolute time of the next token so timer lateness does not accumulate; without an
    // ITL the next chunk is a separate write on the next turn of the event loop (timers wait 1 ms).
    if (itl === 0) setImmediate(next)
    else setTimeout(next, Math.max(0, started + ttft + i * itl - performance.now()))
  }
  setTimeout(next, Math.max(0, started + ttft - performance.now()))
}

function handleChat(
  options: ScriptedServerOptions,
  state: {window: number[]; streams: number},
  res: http.ServerResponse,
  record: RecordedRequest,
  started: number,
) {
  const raw = record.body
  let body: ChatBody
  try {
    body = JSON.parse(raw) as ChatBody
  } catch {
    return send(res, 400, {error: {message: 'invalid JSON'}})
  }
  const last = body.messages?.at(-1)?.content ?? ''
  if (options.failPromptsContaining !== undefined && last.includes(options.failPromptsContaining)) {
    return send(res, 500, {error: {message: 'internal error'}})
  }
  const maxContext = options.maxContext ?? 4096
  if (maxContext > 0 && (body.max_tokens ?? 0) > maxContext) {
    return send(res, 400, {error: {message: `max_tokens must be at most ${maxContext}`}})
  }
  if (options.rateLimitPerSec) {
    const now = Date.now()
    state.window = state.window.filter((t) => now - t < 1000)
    if (state.window.length >= options.rateLimitPerSec) return send(res, 429, {error: {message: 'rate limited'}})
    state.window.push(now)
  }
  if (body.stream) {
    const faults = options.streamFaults ?? ['ok']
    return streamChat(options, res, body, started, record, faults[state.streams++ % faults.length])
  }
  const pieces = answerPieces(options, body, Math.min(body.max_tokens ?? 16, options.outputTokens ?? 16))
  const answer = {
    object: 'chat.completion',
    choices: [{index: 0, message: {role: 'assistant', content: pieces.join('')}, finish_reason: 'length'}],
    usage: {prompt_tokens: 10, completion_tokens: pieces.length, total_tokens: 10 + pieces.length},
  }
  setTimeout(() => send(res, 200, answer), options.noDelay ? 0 : (options.ttftMs ?? 0))
}

const OLLAMA_MANAGEMENT = ['/api/pull', '/api/push', '/api/delete', '/api/create', '/api/copy']

function handleKindRoute(
  options: ScriptedServerOptions,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
  raw: string,
): boolean {
  const version = options.version ?? '0.0.1'
  if (options.kind === 'ollama') {
    if (path === '/api/version') return (send(res, 200, {version}), true)
    if (path === '/api/tags') return (send(res, 200, {models: [{name: 'scripted:latest'}]}), true)
    if (OLLAMA_MANAGEMENT.includes(path) || path.startsWith('/api/blobs/')) {
      if (!options.managementExposed) return (send(res, 403, {error: 'forbidden'}), true)
      if (req.method === 'HEAD') return (send(res, 404, ''), true)
      try {
        JSON.parse(raw)
      } catch {
        return (send(res, 400, {error: 'unexpected EOF'}), true)
      }
      // A well-formed body would start real work on a real Ollama; tests assert this never happens.
      return (send(res, 200, {status: 'success'}), true)
    }
  }
  if (options.kind === 'vllm') {
    if (path === '/version') return (send(res, 200, {version}), true)
    if (path === '/tokenize' && isJson(raw)) {
      const prompt = (JSON.parse(raw) as {prompt?: string}).prompt ?? ''
      return (send(res, 200, {count: scriptedTokenCount(prompt), tokens: []}), true)
    }
    if (['/tokenize', '/detokenize', '/pooling', '/score', '/invocations'].includes(path)) {
      return (send(res, 400, {detail: 'malformed JSON'}), true)
    }
  }
  if (options.kind === 'llama.cpp' && path === '/props') {
    const props = {default_generation_settings: {n_ctx: 4096}, build_info: version, model_path: '/models/m.gguf'}
    return (send(res, 200, {...props, chat_template: '{{ messages }}', total_slots: 2}), true)
  }
  if (options.kind === 'llama.cpp' && path === '/slots' && options.slots) {
    const slot = (id: number) => ({id, n_ctx: 2048, is_processing: id === 0, prompt: id === 0 ? 'another user' : ''})
    return (send(res, 200, [slot(0), slot(1)]), true)
  }
  if (options.kind === 'vllm' && path === '/openapi.json' && options.openapi) {
    const routes = ['/v1/chat/completions', '/v1/models', '/health', '/tokenize', '/metrics', '/invocations']
    if (options.openapi === 'dev') routes.push('/reset_prefix_cache', '/sleep', '/collective_rpc')
    return (send(res, 200, {openapi: '3.1.0', paths: Object.fromEntries(routes.map((r) => [r, {}]))}), true)
  }
  return handleOtherKinds(options, res, path, version)
}

function handleOtherKinds(options: ScriptedServerOptions, res: http.ServerResponse, path: string, version: string) {
  if (options.kind === 'ollama' && path === '/api/ps') return (send(res, 200, {models: []}), true)
  if (options.kind === 'ollama' && path === '/api/show') return (send(res, 400, {error: 'unexpected EOF'}), true)
  if (options.kind === 'tgi' && path === '/info') {
    return (send(res, 200, {model_id: 'org/model', model_sha: 'abc123', version, max_input_tokens: 4096}), true)
  }
  if (options.kind === 'triton' && path === '/v2') {
    const extensions = ['classification', 'sequence', 'statistics', 'binary_tensor_data']
    if (options.modelControl) extensions.push('model_repository', 'model_repository(unload_dependents)')
    return (send(res, 200, {name: 'triton', version, extensions}), true)
  }
  if (options.kind === 'ray' && path === '/api/version') {
    return (send(res, 200, {version: '4', ray_version: version, ray_commit: 'f00d'}), true)
  }
  if (options.kind === 'ray' && path === '/api/jobs/') return (send(res, 200, [{job_id: 'raysubmit_1'}]), true)
  return false
}

function route(
  options: ScriptedServerOptions,
  state: {window: number[]; streams: number},
  req: http.IncomingMessage,
  res: http.ServerResponse,
  record: RecordedRequest,
) {
  const started = performance.now()
  const raw = record.body
  const path = new URL(req.url ?? '/', 'http://x').pathname
  const cors = corsHeaders(options, req)
  for (const [key, value] of Object.entries(cors)) res.setHeader(key, value)
  if (req.method === 'OPTIONS') {
    res.writeHead(204, Object.keys(cors).length === 0 ? {} : {'access-control-allow-methods': 'GET, POST'})
    return res.end()
  }
  if (path === '/metrics' && options.metrics) {
    return send(
      res,
      200,
      '# HELP vllm:num_requests_running Requests running\n# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running 0\n',
    )
  }
  if (options.rejectMalformedEverywhere && raw !== '' && !isJson(raw)) {
    return send(res, 400, {error: {message: 'Unexpected end of JSON input'}})
  }
  if (options.hostCheck && !/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(req.headers.host ?? '')) {
    return send(res, 403, {error: 'forbidden host'})
  }
  if (!isAuthorised(options, req, path)) return send(res, 401, {error: 'unauthorized'})
  if (handleKindRoute(options, req, res, path, raw)) return
  if (path === '/v1/models' && req.method === 'GET') {
    return send(res, 200, {object: 'list', data: [{id: 'scripted-model', object: 'model'}]})
  }
  if (path === '/v1/chat/completions' && req.method === 'POST') return handleChat(options, state, res, record, started)
  if (options.versionEverywhere && req.method === 'GET') return send(res, 200, {version: options.version ?? '1.0.0'})
  send(res, 404, {detail: 'Not Found'})
}

export async function startScriptedServer(options: ScriptedServerOptions): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = []
  const state = {window: [] as number[], streams: 0}
  const server = http.createServer((req, res) => {
    const headersAtMs = performance.timeOrigin + performance.now()
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const bodyAtMs = performance.timeOrigin + performance.now()
      const record: RecordedRequest = {method: req.method ?? '', path: req.url ?? '', headers: req.headers, body}
      Object.assign(record, {headersAtMs, bodyAtMs})
      requests.push(record)
      route(options, state, req, res, record)
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
