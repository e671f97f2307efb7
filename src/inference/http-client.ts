import http from 'node:http'
import https from 'node:https'
import type {Socket} from 'node:net'
import type {TLSSocket} from 'node:tls'

import {coreError, LlmsecError, usageError} from '../core/errors.js'
import {inferenceError} from './errors.js'
import {SseParser, type SseEvent, type SseLimits} from './sse-parser.js'

export interface HttpOptions {
  method?: string
  headers?: Record<string, string>
  body?: string
  /** Whole-request timeout (default 30 s). */
  timeoutMs?: number
  /** Bodies are cut at this many bytes (default 4 MiB) and marked truncated. */
  maxBodyBytes?: number
  /** Accept any TLS certificate (the transport probe looks at it instead). */
  insecure?: boolean
  /** Resolve as soon as the status line and headers arrive, then drop the connection. */
  headersOnly?: boolean
}

interface TlsInfo {
  authorized: boolean
  error: string | null
  validTo: string | null
  protocol: string | null
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: string
  truncated: boolean
  durationMs: number
  tls: TlsInfo | null
}

export interface SseResponse extends Omit<HttpResponse, 'body' | 'truncated'> {
  /** performance.now() when the request was made (before waiting for a socket). */
  startedAt: number
  /** performance.now() when the request went out on a connected socket: latencies start here. */
  sentAt: number
  /** Waiting for a free socket of the agent. */
  queueMs: number
  /** Opening the connection (TCP, and TLS for https); 0 on a kept-alive connection. */
  connectMs: number
  /** The body when the server did not answer with an event stream (an error, usually). */
  body: string
  events: number
}

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_MAX_BODY = 4 * 1024 * 1024
// Keep-alive agents so a bench reuses connections like real clients; idle sockets are unref'd by node.
const agentOptions = {keepAlive: true, maxSockets: 4096, maxFreeSockets: 4096, scheduling: 'fifo' as const}
const httpAgent = new http.Agent(agentOptions)
const httpsAgent = new https.Agent(agentOptions)
const insecureAgent = new https.Agent({...agentOptions, rejectUnauthorized: false})

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

function tlsInfoOf(socket: unknown): TlsInfo | null {
  const tls = socket as TLSSocket | null
  if (!tls || typeof tls.getPeerCertificate !== 'function') return null
  const cert = tls.getPeerCertificate()
  const error = tls.authorizationError
  return {
    authorized: tls.authorized,
    error: error ? String(error) : null,
    validTo: cert && cert.valid_to ? cert.valid_to : null,
    protocol: tls.getProtocol?.() ?? null,
  }
}

function networkError(url: URL, error: NodeJS.ErrnoException, timeoutMs: number): LlmsecError {
  if (error.code === 'ETIMEDOUT' || error.message === 'timeout') {
    return coreError('TIMEOUT', `${url.origin} did not answer ${url.pathname} within ${timeoutMs} ms.`)
  }
  const why = error.code ?? error.message
  const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(why)
  return inferenceError('ENDPOINT_UNREACHABLE', `Cannot reach ${url.origin}${url.pathname}: ${why}.`, [
    tls
      ? 'The TLS certificate does not verify: fix it, or pass --insecure to test anyway (transport.tls will fail).'
      : 'Check the --endpoint URL and that the server is running.',
  ])
}

function openRequest(target: URL, options: HttpOptions): http.ClientRequest {
  const isHttps = target.protocol === 'https:'
  if (!isHttps && target.protocol !== 'http:') {
    throw usageError(`${target.href} is not an http or https URL.`)
  }
  const lib = isHttps ? https : http
  const agent = isHttps ? (options.insecure ? insecureAgent : httpsAgent) : httpAgent
  const headers: Record<string, string> = {...options.headers}
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body))
  return lib.request(target, {method: options.method ?? 'GET', headers, agent})
}

/** Sends one HTTP request and reads a bounded body. Network failures throw an LlmsecError. */
export function httpRequest(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const target = new URL(url)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = openRequest(target, options)
    const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs)
    req.on('error', (error) => {
      clearTimeout(timer)
      reject(networkError(target, error, timeoutMs))
    })
    req.on('response', (res) => {
      const base = {status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), tls: tlsInfoOf(res.socket)}
      if (options.headersOnly) {
        clearTimeout(timer)
        res.destroy()
        req.destroy()
        resolve({...base, body: '', truncated: false, durationMs: performance.now() - started})
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      let truncated = false
      res.on('data', (chunk: Buffer) => {
        if (truncated) return
        if (size + chunk.length > maxBody) {
          chunks.push(chunk.subarray(0, maxBody - size))
          truncated = true
          res.destroy()
          finish()
          return
        }
        size += chunk.length
        chunks.push(chunk)
      })
      let done = false
      const finish = () => {
        if (done) return
        done = true
        clearTimeout(timer)
        const body = Buffer.concat(chunks).toString('utf8')
        resolve({...base, body, truncated, durationMs: performance.now() - started})
      }
      res.on('end', finish)
      res.on('error', (error) => (truncated ? finish() : reject(networkError(target, error, timeoutMs))))
    })
    req.end(options.body)
  })
}

/**
 * Sends a request whose answer is an SSE stream and calls `onEvent` with each event and the
 * performance.now() at which the chunk holding it arrived. Non-SSE answers are read as a body.
 */
export function streamSse(
  url: string,
  options: HttpOptions & {limits?: SseLimits},
  onEvent: (event: SseEvent, atMs: number) => void,
): Promise<SseResponse> {
  const target = new URL(url)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY
  const startedAt = performance.now()
  return new Promise((resolve, reject) => {
    const req = openRequest(target, options)
    const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs)
    const timing = {sentAt: startedAt, queueMs: 0, connectMs: 0}
    req.on('socket', (socket: Socket) => {
      const assigned = performance.now()
      timing.queueMs = assigned - startedAt
      timing.sentAt = assigned
      if (!socket.connecting) return
      socket.once(target.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        timing.sentAt = performance.now()
        timing.connectMs = timing.sentAt - assigned
      })
    })
    let settled = false
    const fail = (error: unknown) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.destroy()
      reject(error instanceof LlmsecError ? error : networkError(target, error as NodeJS.ErrnoException, timeoutMs))
    }
    req.on('error', fail)
    req.on('response', (res) => {
      const status = res.statusCode ?? 0
      const headers = flattenHeaders(res.headers)
      const isSse = (headers['content-type'] ?? '').includes('text/event-stream')
      const parser = new SseParser(options.limits)
      let body = ''
      let events = 0
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        const at = performance.now()
        if (!isSse) {
          if (body.length < maxBody) body += chunk.slice(0, maxBody - body.length)
          return
        }
        try {
          for (const event of parser.feed(chunk)) {
            events++
            onEvent(event, at)
          }
        } catch (error) {
          fail(error)
        }
      })
      res.on('end', () => {
        if (settled) return
        try {
          for (const event of parser.end()) {
            events++
            onEvent(event, performance.now())
          }
        } catch (error) {
          fail(error)
          return
        }
        settled = true
        clearTimeout(timer)
        const durationMs = performance.now() - timing.sentAt
        resolve({status, headers, body, events, startedAt, ...timing, durationMs, tls: null})
      })
      res.on('error', fail)
    })
    req.end(options.body)
  })
}
