import {createSocket} from 'node:dgram'
import {lookup} from 'node:dns/promises'
import {createConnection, isIP} from 'node:net'

import {mapLimited} from '../core/arrays.js'
import {noProgress, type OnProgress} from '../core/progress.js'
import {isAllowed, parseAllowEntry, type EgressTarget} from './egress-targets.js'

/** What happened when llmsec tried to reach one target. */
export interface EgressResult {
  target: string
  protocol: 'tcp' | 'dns'
  /** The address tried (after name resolution), or null when the name did not resolve. */
  address: string | null
  /** True when a TCP connection was established or a DNS answer came back. */
  reachable: boolean
  allowed: boolean
  latencyMs: number | null
  /** Why it was not reachable: timed out, refused, blocked locally, name not resolved. */
  error: string | null
}

export interface EgressReport {
  targets: EgressResult[]
  /** Targets that are reachable but not allowed. */
  violations: string[]
  /** True when the built-in default targets were probed. */
  defaults: boolean
  timeoutMs: number
}

export interface EgressOptions {
  targets: EgressTarget[]
  allow?: string[]
  timeoutMs?: number
  concurrency?: number
  defaults?: boolean
  onProgress?: OnProgress
}

interface Attempt {
  address: string | null
  reachable: boolean
  latencyMs: number | null
  error: string | null
}

function describeSocketError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused'
    case 'EPERM':
    case 'EACCES':
      return 'blocked by the local firewall (EPERM)'
    case 'ENETUNREACH':
      return 'network unreachable'
    case 'EHOSTUNREACH':
      return 'host unreachable'
    default:
      return error.code ? `${error.code}: ${error.message}` : error.message
  }
}

async function resolve(host: string): Promise<string> {
  if (isIP(host)) return host
  return (await lookup(host)).address
}

function connectTcp(address: string, port: number, timeoutMs: number): Promise<Attempt> {
  const started = performance.now()
  return new Promise((done) => {
    const socket = createConnection({host: address, port})
    const finish = (attempt: Omit<Attempt, 'address'>) => {
      clearTimeout(timer)
      socket.destroy()
      done({address, ...attempt})
    }
    const timer = setTimeout(
      () => finish({reachable: false, latencyMs: null, error: `timed out after ${timeoutMs} ms`}),
      timeoutMs,
    )
    socket.once('connect', () =>
      finish({reachable: true, latencyMs: Math.round(performance.now() - started), error: null}),
    )
    socket.once('error', (error) => finish({reachable: false, latencyMs: null, error: describeSocketError(error)}))
  })
}

/** A minimal DNS query (id, recursion desired, one question: "." NS). */
function dnsQuery(id: number): Buffer {
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])
  return Buffer.concat([header, Buffer.from([0, 0, 2, 0, 1])])
}

function queryDns(address: string, port: number, timeoutMs: number): Promise<Attempt> {
  const started = performance.now()
  const id = Math.floor(Math.random() * 0xffff)
  return new Promise((done) => {
    const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4')
    const finish = (attempt: Omit<Attempt, 'address'>) => {
      clearTimeout(timer)
      socket.close()
      done({address, ...attempt})
    }
    const timer = setTimeout(
      () => finish({reachable: false, latencyMs: null, error: `no DNS answer within ${timeoutMs} ms`}),
      timeoutMs,
    )
    socket.on('message', (message) => {
      if (message.length >= 2 && message.readUInt16BE(0) === id) {
        finish({reachable: true, latencyMs: Math.round(performance.now() - started), error: null})
      }
    })
    socket.once('error', (error) => finish({reachable: false, latencyMs: null, error: describeSocketError(error)}))
    socket.send(dnsQuery(id), port, address)
  })
}

async function probeOne(target: EgressTarget, timeoutMs: number): Promise<Attempt> {
  let address: string
  try {
    address = await resolve(target.host)
  } catch (error) {
    return {
      address: null,
      reachable: false,
      latencyMs: null,
      error: `name not resolved: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    }
  }
  return target.protocol === 'dns'
    ? queryDns(address, target.port, timeoutMs)
    : connectTcp(address, target.port, timeoutMs)
}

/**
 * Tries one TCP connection (or one DNS query for `dns:` targets) to each target, in parallel
 * with a concurrency limit and a per-target timeout, and reports which are reachable.
 */
export async function probeEgress(options: EgressOptions): Promise<EgressReport> {
  const timeoutMs = options.timeoutMs ?? 3000
  const allow = (options.allow ?? []).map(parseAllowEntry)
  const onProgress = options.onProgress ?? noProgress
  let done = 0
  const targets = await mapLimited(options.targets, options.concurrency ?? 16, async (target) => {
    const attempt = await probeOne(target, timeoutMs)
    onProgress({phase: 'probing', done: ++done, total: options.targets.length, unit: 'items', detail: target.target})
    return {
      target: target.target,
      protocol: target.protocol,
      ...attempt,
      allowed: isAllowed(target, allow, attempt.address),
    }
  })
  const violations = targets.filter((t) => t.reachable && !t.allowed).map((t) => t.target)
  return {targets, violations, defaults: options.defaults ?? false, timeoutMs}
}
