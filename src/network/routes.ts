import {isLoopbackAddress} from '../core/net.js'
import {readSysctl} from './host-facts.js'
import {addressFamily, parseAddress, parseNetwork, rangeContains, type AddressRange} from './ip.js'
import {isObj, text, type Json, type Obj} from './json-values.js'
import type {PathEnv, Route} from './path.js'
import type {ToolRunner} from './read-ruleset.js'

/** Route lookups per analysis: a ruleset naming more DNAT targets leaves the rest unknown. */
const MAX_LOOKUPS = 8192
const UNKNOWN_ROUTE: Route = {local: null, dev: null}

/** One answer of `ip -j route get ADDR`: local delivery (type local) or the outgoing device. */
function routeOf(answer: Obj): Route {
  const type = text(answer.type)
  if (type === 'local') return {local: true, dev: text(answer.dev) ?? null}
  if (type !== undefined && type !== 'unicast') return UNKNOWN_ROUTE
  return {local: false, dev: text(answer.dev) ?? null}
}

const addressKey = (addr: string) => {
  const parsed = parseAddress(addr)
  return parsed ? `${parsed.family}:${parsed.low}` : null
}

/**
 * Reads `ip -j -force -batch -` output for `route get` lines: one JSON array per answered line (a
 * failed lookup prints none), matched to the address asked by its `dst`.
 */
export function parseRouteBatch(stdout: string): Map<string, Route> {
  const out = new Map<string, Route>()
  for (const line of stdout.split('\n')) {
    let doc: Json
    try {
      doc = JSON.parse(line) as Json
    } catch {
      continue
    }
    const first = Array.isArray(doc) ? doc[0] : undefined
    const key = isObj(first) ? addressKey(text(first.dst) ?? '') : null
    if (key && isObj(first)) out.set(key, routeOf(first))
  }
  return out
}

/** The routes to many addresses of one family in one process (each process start costs more than the lookup). */
async function lookupRoutes(run: ToolRunner, addresses: string[], family: 4 | 6): Promise<Map<string, Route>> {
  if (addresses.length === 0) return new Map()
  const input = addresses.map((addr) => `route get ${addr}\n`).join('')
  const result = await run('ip', ['-j', `-${family}`, '-force', '-batch', '-'], input)
  // -force: a lookup that fails (unreachable) prints an error and the batch goes on, exiting 1.
  return result.status === 'ok' || result.status === 'failed' ? parseRouteBatch(result.stdout) : new Map()
}

/** More local addresses than this (an IPVS node binds every service IP): treat them as unknown. */
const MAX_LOCALS = 64
const LOOPBACK = [parseNetwork('127.0.0.0/8')!, parseNetwork('::1/128')!]

/**
 * The destinations `ip -j route show table local` lists as local (addresses, and AnyIP prefixes
 * routed to lo), loopback excluded; null when unreadable or too many to compare rules with.
 */
export function parseLocalRoutes(stdout: string): AddressRange[] | null {
  let doc: Json
  try {
    doc = JSON.parse(stdout) as Json
  } catch {
    return null
  }
  if (!Array.isArray(doc)) return null
  const out: AddressRange[] = []
  for (const entry of doc) {
    if (!isObj(entry) || text(entry.type) !== 'local') continue
    const dst = text(entry.dst)
    const range = dst === undefined ? null : parseNetwork(dst)
    if (!range) return null
    if (LOOPBACK.some((lo) => rangeContains(lo, range))) continue
    out.push(range)
    if (out.length > MAX_LOCALS) return null
  }
  return out.length > 0 ? out : null
}

async function readLocals(run: ToolRunner, family: 4 | 6): Promise<AddressRange[] | null> {
  const result = await run('ip', ['-j', `-${family}`, 'route', 'show', 'table', 'local'])
  return result.status === 'ok' ? parseLocalRoutes(result.stdout) : null
}

/**
 * The kernel's routing answer for each DNAT target and the forwarding switches, read once per
 * analysis. What cannot be read stays unknown: the path evaluation then follows both ways.
 */
export async function readPathEnv(addresses: string[], run: ToolRunner, procRoot = '/proc'): Promise<PathEnv> {
  const lookups = addresses.slice(0, MAX_LOOKUPS)
  const [v4, v6, locals4, locals6] = await Promise.all([
    lookupRoutes(
      run,
      lookups.filter((addr) => addressFamily(addr) === 4),
      4,
    ),
    lookupRoutes(
      run,
      lookups.filter((addr) => addressFamily(addr) === 6),
      6,
    ),
    readLocals(run, 4),
    readLocals(run, 6),
  ])
  const found = (addr: string) => {
    const key = addressKey(addr)
    return key === null ? undefined : (v4.get(key) ?? v6.get(key))
  }
  const switches = new Map<4 | 6, boolean | null>()
  for (const [family, name] of [
    [4, 'net/ipv4/ip_forward'],
    [6, 'net/ipv6/conf/all/forwarding'],
  ] as const) {
    const value = await readSysctl(procRoot, name)
    switches.set(family, value === '1' ? true : value === '0' ? false : null)
  }
  return {
    locals: (family) => (family === 4 ? locals4 : locals6),
    route: (addr) => found(addr) ?? (isLoopbackAddress(addr) ? {local: true, dev: 'lo'} : UNKNOWN_ROUTE),
    forwarding: (family) => switches.get(family) ?? null,
  }
}
