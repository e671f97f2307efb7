import {isLoopbackAddress} from '../core/net.js'
import {readSysctl} from './host-facts.js'
import {addressFamily, parseNetwork, rangeContains, type AddressRange} from './ip.js'
import {isObj, text, type Json} from './json-values.js'
import type {PathEnv, Route} from './path.js'
import type {ToolRunner} from './read-ruleset.js'

/** Route lookups per analysis: a ruleset naming more DNAT targets leaves the rest unknown. */
const MAX_LOOKUPS = 64
const LOOKUP_CONCURRENCY = 8
const UNKNOWN_ROUTE: Route = {local: null, dev: null}

/** Reads `ip -j route get ADDR`: local delivery (type local) or the outgoing device. */
function parseRouteGet(stdout: string): Route {
  let doc: Json
  try {
    doc = JSON.parse(stdout) as Json
  } catch {
    return UNKNOWN_ROUTE
  }
  const first = Array.isArray(doc) ? doc[0] : undefined
  if (!isObj(first)) return UNKNOWN_ROUTE
  const type = text(first.type)
  if (type === 'local') return {local: true, dev: text(first.dev) ?? null}
  if (type !== undefined && type !== 'unicast') return UNKNOWN_ROUTE
  return {local: false, dev: text(first.dev) ?? null}
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
  const routes = new Map<string, Route>()
  const lookups = addresses.slice(0, MAX_LOOKUPS).filter((addr) => addressFamily(addr) !== null)
  // A few lookups at a time: each is a process start, and kube-proxy rulesets name many targets.
  for (let i = 0; i < lookups.length; i += LOOKUP_CONCURRENCY) {
    const batch = lookups.slice(i, i + LOOKUP_CONCURRENCY)
    const results = await Promise.all(batch.map((addr) => run('ip', ['-j', 'route', 'get', addr])))
    batch.forEach((addr, j) =>
      routes.set(addr, results[j].status === 'ok' ? parseRouteGet(results[j].stdout) : UNKNOWN_ROUTE),
    )
  }
  const switches = new Map<4 | 6, boolean | null>()
  for (const [family, name] of [
    [4, 'net/ipv4/ip_forward'],
    [6, 'net/ipv6/conf/all/forwarding'],
  ] as const) {
    const value = await readSysctl(procRoot, name)
    switches.set(family, value === '1' ? true : value === '0' ? false : null)
  }
  const locals = new Map<4 | 6, AddressRange[] | null>([
    [4, await readLocals(run, 4)],
    [6, await readLocals(run, 6)],
  ])
  return {
    locals: (family) => locals.get(family) ?? null,
    route: (addr) => routes.get(addr) ?? (isLoopbackAddress(addr) ? {local: true, dev: 'lo'} : UNKNOWN_ROUTE),
    forwarding: (family) => switches.get(family) ?? null,
  }
}
