import {parseIpAddress} from '../../core/net.js'
import type {MatchBlock, SshdDirective} from './sshd-config.js'

/** The connection parameters `sshd -T -C` takes (groups: the user's groups, for `Match Group`). */
export interface SshdConnection {
  user: string
  host: string
  addr: string
  laddr: string
  lport: number
  rdomain: string
  groups: string[]
}

/** The connection llmsec assumes when nothing narrows it: a remote address from TEST-NET-3. */
export const DEFAULT_CONNECTION: SshdConnection = {
  user: 'llmsec-probe',
  host: 'client.invalid',
  addr: '203.0.113.7',
  laddr: '198.51.100.1',
  lport: 22,
  rdomain: '',
  groups: [],
}

/** OpenSSH's match_pattern: `*` any run, `?` one character. Linear: a backtracking-free two-pointer match. */
export function matchPattern(value: string, pattern: string): boolean {
  let v = 0
  let p = 0
  let star = -1
  let mark = 0
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      v++
      p++
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++
      mark = v
    } else if (star >= 0) {
      p = star + 1
      v = ++mark
    } else return false
  }
  while (p < pattern.length && pattern[p] === '*') p++
  return p === pattern.length
}

/** OpenSSH's match_pattern_list: any positive pattern matches and no negated (`!`) one does. */
export function matchPatternList(value: string, list: string, ignoreCase = false): boolean {
  const subject = ignoreCase ? value.toLowerCase() : value
  let matched = false
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!')
    const pattern = (negated ? raw.slice(1) : raw).trim()
    const text = ignoreCase ? pattern.toLowerCase() : pattern
    if (!matchPattern(subject, text)) continue
    if (negated) return false
    matched = true
  }
  return matched
}

/** Whether an address is inside a CIDR block (`10.0.0.0/8`, `2001:db8::/32`). */
function inCidr(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/')
  const ip = parseIpAddress(address)
  const net = parseIpAddress(base)
  if (!ip || !net || ip.family !== net.family || !/^\d+$/.test(bitsText)) return false
  const width = ip.family === 4 ? 32 : 128
  const bits = Number(bitsText)
  if (bits > width) return false
  const shift = BigInt(width - bits)
  return ip.value >> shift === net.value >> shift
}

/** OpenSSH's addr_match_list: CIDR blocks or wildcard patterns, `!` negates. */
export function matchAddressList(address: string, list: string): boolean {
  let matched = false
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!')
    const pattern = negated ? raw.slice(1) : raw
    const hit = pattern.includes('/') ? inCidr(address, pattern) : matchPattern(address, pattern)
    if (!hit) continue
    if (negated) return false
    matched = true
  }
  return matched
}

function criterionHolds(keyword: string, patterns: string, c: SshdConnection): boolean {
  switch (keyword) {
    case 'all':
      return true
    case 'user':
      return matchPatternList(c.user, patterns)
    case 'group':
      return c.groups.some((g) => matchPatternList(g, patterns))
    case 'host':
      return matchPatternList(c.host, patterns, true)
    case 'address':
      return matchAddressList(c.addr, patterns)
    case 'localaddress':
      return matchAddressList(c.laddr, patterns)
    case 'localport':
      return patterns.split(',').some((p) => Number(p) === c.lport)
    case 'rdomain':
      return matchPatternList(c.rdomain, patterns)
    default:
      // An unknown criterion makes sshd refuse the configuration; it never matches here.
      return false
  }
}

/** Whether a Match block applies to a connection (every criterion, and the enclosing block's, must hold). */
function blockMatches(block: MatchBlock, c: SshdConnection): boolean {
  const holds = block.criteria.length > 0 && block.criteria.every((k) => criterionHolds(k.keyword, k.patterns, c))
  return holds && (block.parent === null || blockMatches(block.parent, c))
}

/**
 * The value of a keyword for one connection, as sshd computes it: the first value in a Match block
 * that applies, else the first value in the global section (sshd_config(5): "the first obtained
 * value will be used"; Match settings override the global ones).
 */
export function effectiveValue(directives: SshdDirective[], key: string, c: SshdConnection): SshdDirective | undefined {
  const wanted = key.toLowerCase()
  const matched = directives.find((d) => d.key === wanted && d.match !== null && blockMatches(d.match, c))
  return matched ?? directives.find((d) => d.key === wanted && d.match === null)
}

/** A value that matches a pattern list: its first positive pattern with wildcards filled in. */
function sample(patterns: string, fallback: string): string {
  const positive = patterns.split(',').find((p) => !p.startsWith('!'))
  if (!positive) return fallback
  if (positive.includes('/')) return positive.split('/')[0]
  return positive.replace(/\*/g, '1').replace(/\?/g, '1')
}

/** A connection that satisfies a Match block's criteria (as far as one can be built from its patterns). */
function connectionFor(block: MatchBlock, base: SshdConnection): SshdConnection {
  const c = block.parent ? connectionFor(block.parent, base) : {...base, groups: [...base.groups]}
  for (const {keyword, patterns} of block.criteria) {
    if (criterionHolds(keyword, patterns, c)) continue
    if (keyword === 'user') c.user = sample(patterns, c.user)
    if (keyword === 'group') c.groups.push(sample(patterns, 'llmsec-probe'))
    if (keyword === 'host') c.host = sample(patterns, c.host).toLowerCase()
    if (keyword === 'address') c.addr = sample(patterns, c.addr)
    if (keyword === 'localaddress') c.laddr = sample(patterns, c.laddr)
    if (keyword === 'localport') c.lport = Number(patterns.split(',')[0]) || c.lport
    if (keyword === 'rdomain') c.rdomain = sample(patterns, c.rdomain)
  }
  return c
}

/**
 * The connections worth asking about: the default one and, for each Match block that sets `key`,
 * one that satisfies the block. `fixed` pins fields (PermitRootLogin matters for user root only).
 */
export function probeConnections(
  directives: SshdDirective[],
  key: string,
  fixed: Partial<SshdConnection> = {},
): SshdConnection[] {
  const base = {...DEFAULT_CONNECTION, ...fixed}
  const blocks = new Set(directives.filter((d) => d.key === key.toLowerCase() && d.match).map((d) => d.match!))
  const probes = [base, ...[...blocks].map((b) => ({...connectionFor(b, base), ...fixed}))]
  const seen = new Set<string>()
  return probes.filter((p) => {
    const id = JSON.stringify(p)
    return !seen.has(id) && (seen.add(id), true)
  })
}

/** The `-C` argument of `sshd -T` for a connection. */
export function connectionSpec(c: SshdConnection): string {
  const parts = [`user=${c.user}`, `host=${c.host}`, `addr=${c.addr}`, `laddr=${c.laddr}`, `lport=${c.lport}`]
  if (c.rdomain) parts.push(`rdomain=${c.rdomain}`)
  return parts.join(',')
}
