import {usageError} from '../core/errors.js'
import {addressFamily, parseAddress, parseNetwork, rangeContains} from './ip.js'

/** One thing to try to reach: a TCP connection, or a UDP DNS query to a resolver. */
export interface EgressTarget {
  /** As given: `host:port` or `dns:host:port`. */
  target: string
  protocol: 'tcp' | 'dns'
  host: string
  port: number
}

/**
 * Hosts an LLM host should not reach: model hubs, package indexes, code hosts and public DNS
 * resolvers. Used only when the user runs `llmsec egress` without targets in flags or config.
 */
export const DEFAULT_EGRESS_TARGETS = [
  'huggingface.co:443',
  'cdn-lfs.huggingface.co:443',
  'registry.ollama.ai:443',
  'ollama.com:443',
  'download.pytorch.org:443',
  'pypi.org:443',
  'files.pythonhosted.org:443',
  'registry.npmjs.org:443',
  'github.com:443',
  'objects.githubusercontent.com:443',
  '1.1.1.1:53',
  '8.8.8.8:53',
  '9.9.9.9:53',
  'dns:1.1.1.1:53',
  'dns:8.8.8.8:53',
] as const

const FORM = 'Write targets as host:port, [IPv6]:port or dns:host[:port].'

function splitHostPort(text: string, defaultPort?: number): {host: string; port: string | undefined} {
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(text)
  if (bracket) return {host: bracket[1], port: bracket[2]}
  const colon = text.lastIndexOf(':')
  // A bare IPv6 address has several colons and no port.
  if (colon < 0 || addressFamily(text) === 6)
    return {host: text, port: defaultPort === undefined ? undefined : String(defaultPort)}
  return {host: text.slice(0, colon), port: text.slice(colon + 1)}
}

/** Parses `host:port`, `[v6]:port` or `dns:host[:port]`; throws a usage error naming the problem. */
export function parseEgressTarget(text: string): EgressTarget {
  const trimmed = text.trim()
  const dns = trimmed.toLowerCase().startsWith('dns:')
  const {host, port} = splitHostPort(dns ? trimmed.slice(4) : trimmed, dns ? 53 : undefined)
  const fail = (why: string) => usageError(`Bad egress target "${text}": ${why}. ${FORM}`)
  if (!host || !/^[A-Za-z0-9.:_%-]+$/.test(host)) throw fail('missing or invalid host')
  if (port === undefined || !/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535)
    throw fail('missing or invalid port')
  return {target: trimmed, protocol: dns ? 'dns' : 'tcp', host, port: Number(port)}
}

/** Which targets to probe: flags, else the config, else the defaults (and whether defaults were used). */
export function selectEgressTargets(
  flagTargets: string[] = [],
  configTargets: string[] = [],
): {targets: EgressTarget[]; defaults: boolean} {
  const chosen =
    flagTargets.length > 0 ? flagTargets : configTargets.length > 0 ? configTargets : [...DEFAULT_EGRESS_TARGETS]
  const targets = chosen.map(parseEgressTarget)
  return {targets, defaults: flagTargets.length === 0 && configTargets.length === 0}
}

interface AllowEntry {
  protocol: 'tcp' | 'dns' | 'any'
  host: string
  port: number | '*'
}

/** Parses an allowlist entry: `host:port`, `host:*`, `host` (any port), `10.0.0.0/8:443`, `dns:host:port`. */
export function parseAllowEntry(text: string): AllowEntry {
  const trimmed = text.trim()
  const dns = trimmed.toLowerCase().startsWith('dns:')
  const body = dns ? trimmed.slice(4) : trimmed
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(body)
  let host = bracket ? bracket[1] : body
  let port: string | undefined = bracket ? bracket[2] : undefined
  if (!bracket && !parseNetwork(body)) {
    const colon = body.lastIndexOf(':')
    if (colon >= 0) [host, port] = [body.slice(0, colon), body.slice(colon + 1)]
  }
  if (!host || (port !== undefined && port !== '*' && !/^\d{1,5}$/.test(port))) {
    throw usageError(`Bad allow entry "${text}". Write host:port, host:*, host or CIDR:port.`)
  }
  return {
    protocol: dns ? 'dns' : 'any',
    host: host.toLowerCase(),
    port: port === undefined || port === '*' ? '*' : Number(port),
  }
}

function hostMatches(entry: string, target: EgressTarget, address: string | null): boolean {
  if (entry === target.host.toLowerCase()) return true
  const network = parseNetwork(entry)
  if (!network) return false
  for (const candidate of [target.host, address]) {
    const parsed = candidate ? parseAddress(candidate) : null
    if (parsed && rangeContains(network, parsed)) return true
  }
  return false
}

/** Whether a target is on the allowlist (by name, address or network, and port). */
export function isAllowed(target: EgressTarget, allow: AllowEntry[], address: string | null = null): boolean {
  return allow.some(
    (entry) =>
      (entry.protocol === 'any' || entry.protocol === target.protocol) &&
      (entry.port === '*' || entry.port === target.port) &&
      hostMatches(entry.host, target, address),
  )
}
