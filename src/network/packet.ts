import {usageError} from '../core/errors.js'
import {isLoopbackAddress} from '../core/net.js'
import {addressFamily, parseNetwork, type AddressRange} from './ip.js'
import type {EvalPacket} from './match.js'
import {evaluatePath, UNKNOWN_ENV, type PathDecision, type PathEnv} from './path.js'
import type {Decision, FieldValue, PacketSpec, Ruleset, Verdict} from './ruleset.types.js'

const value = (v: string | number | undefined): FieldValue =>
  v === undefined ? {kind: 'unknown'} : {kind: 'value', value: v}
const ABSENT: FieldValue = {kind: 'absent'}
/** Another host's address, or this host's address as another host reaches it: never loopback. */
const NOT_LOOPBACK: Record<4 | 6, FieldValue> = {
  4: {kind: 'outside', ranges: [parseNetwork('127.0.0.0/8')!]},
  6: {kind: 'outside', ranges: [parseNetwork('::1/128')!]},
}

/**
 * An address of the packet: the given one, else for traffic between hosts any non-loopback one,
 * or one of this host's own (`locals`) when the local address is what is unspecified.
 */
function addressOf(
  given: string | undefined,
  spec: PacketSpec,
  iface: FieldValue,
  locals?: AddressRange[],
): FieldValue {
  if (given !== undefined) return value(given)
  const fromAnotherHost = !(iface.kind === 'value' && iface.value === 'lo')
  if (!fromAnotherHost) return {kind: 'unknown'}
  return locals && locals.length > 0 ? {kind: 'among', ranges: locals} : NOT_LOOPBACK[spec.family]
}

/** An interface: the given name, lo for loopback peers, else "not lo". */
function interfaceOf(name: string | undefined, peer: string | undefined): FieldValue {
  if (name) return value(name)
  if (peer !== undefined && isLoopbackAddress(peer)) return value('lo')
  return {kind: 'except', values: ['lo']}
}

/**
 * The first packet of the connection the spec describes (ct state new). `arrival` is the inbound
 * interface as the exposure analysis enumerates them (one per class of interfaces the rules tell apart);
 * `locals` the host's own addresses, when known (an inbound packet is addressed to one of them).
 */
export function requestPacket(spec: PacketSpec, arrival?: FieldValue, locals?: AddressRange[]): EvalPacket {
  const named = interfaceOf(spec.direction === 'in' ? spec.iif : spec.oif, spec.remote)
  const iface = spec.direction === 'in' && arrival && !spec.iif ? arrival : named
  const inbound = spec.direction === 'in'
  return {
    family: spec.family,
    path: spec.direction,
    ctNew: true,
    fields: {
      l4proto: value(spec.protocol),
      nfproto: value(spec.family === 4 ? 'ipv4' : 'ipv6'),
      saddr: inbound ? addressOf(spec.remote, spec, iface) : value(spec.local),
      daddr: inbound ? addressOf(spec.local, spec, iface, locals) : value(spec.remote),
      // Our own source port comes from the ephemeral range; a remote host's could be anything.
      sport: !inbound && spec.ephemeral ? {kind: 'range', ...spec.ephemeral} : {kind: 'unknown'},
      dport: value(spec.port),
      iif: inbound ? iface : ABSENT,
      oif: inbound ? ABSENT : iface,
      ctstate: value('new'),
      // Traffic to this host is addressed to one of its own addresses; outgoing traffic is not.
      dtype: value(inbound ? 'local' : 'unicast'),
    },
  }
}

/** The answer to that first packet (ct state established), travelling the other way. */
export function replyPacket(spec: PacketSpec, arrival?: FieldValue, locals?: AddressRange[]): EvalPacket {
  const request = requestPacket(spec, arrival, locals)
  const f = request.fields
  return {
    family: spec.family,
    path: spec.direction === 'in' ? 'out' : 'in',
    ctNew: false,
    fields: {
      l4proto: f.l4proto,
      nfproto: f.nfproto,
      saddr: f.daddr,
      daddr: f.saddr,
      sport: f.dport,
      dport: f.sport,
      iif: f.oif,
      oif: f.iif,
      ctstate: value('established'),
      dtype: value(spec.direction === 'in' ? 'unicast' : 'local'),
    },
  }
}

/** A new connection no rule names (any address, port, interface): shows the default policy. */
export function unmatchedPacket(direction: 'in' | 'out', family: 4 | 6): EvalPacket {
  const other: FieldValue = {kind: 'other'}
  const inbound = direction === 'in'
  return {
    family,
    path: direction,
    ctNew: true,
    fields: {
      l4proto: value('tcp'),
      nfproto: value(family === 4 ? 'ipv4' : 'ipv6'),
      saddr: other,
      daddr: other,
      sport: other,
      dport: other,
      iif: inbound ? other : ABSENT,
      oif: inbound ? ABSENT : other,
      ctstate: value('new'),
      dtype: value(inbound ? 'local' : 'unicast'),
    },
  }
}

/** The verdict on a connection: its first packet and the reply must both pass. */
export interface ConnectionDecision extends Decision {
  packet: PacketSpec
  request: Decision
  reply: Decision
}

/** The reply of a connection that destination NAT forwarded: it comes back through forward. */
function forwardedReply(request: EvalPacket, decision: PathDecision): EvalPacket {
  const f = request.fields
  const to = decision.nat!.to
  const dev = decision.forwarded?.dev
  return {
    family: request.family,
    path: 'forward',
    ctNew: false,
    fields: {
      l4proto: f.l4proto,
      nfproto: f.nfproto,
      saddr: to.addr === undefined ? f.daddr : value(to.addr),
      daddr: f.saddr,
      sport: to.port ? value(to.port.low) : f.dport,
      dport: f.sport,
      iif: dev ? value(dev) : {kind: 'unknown'},
      oif: f.iif,
      ctstate: value('established'),
      dtype: value('unicast'),
    },
  }
}

const plain = ({verdict, table, chain, rule}: Decision): Decision => ({verdict, table, chain, rule})

/** A connection's verdict with the request's whole path (translation, forward chain, base chains passed). */
export interface ConnectionPath extends ConnectionDecision {
  path: PathDecision
}

/** Like evaluateConnection, keeping the request's path; `arrival` fixes the inbound interface class. */
export function evaluateConnectionPath(
  ruleset: Ruleset,
  spec: PacketSpec,
  options: {env?: PathEnv; arrival?: FieldValue} = {},
): ConnectionPath {
  const env = options.env ?? UNKNOWN_ENV
  const locals = env.locals?.(spec.family) ?? undefined
  const packet = requestPacket(spec, options.arrival, locals)
  const path = evaluatePath(ruleset, packet, env)
  const reply = plain(
    path.forwarded && path.nat
      ? evaluatePath(ruleset, forwardedReply(packet, path), env)
      : evaluatePath(ruleset, replyPacket(spec, options.arrival, locals), env),
  )
  const request = plain(path)
  const decisive = combineVerdicts(request.verdict, reply.verdict) === request.verdict ? request : reply
  return {packet: spec, ...decisive, request, reply, path}
}

/** Evaluates whether a connection as described would be let through, and which rule decides. */
export function evaluateConnection(ruleset: Ruleset, spec: PacketSpec, env?: PathEnv): ConnectionDecision {
  const {path: _path, ...decision} = evaluateConnectionPath(ruleset, spec, {env})
  return decision
}

/** Blocked in either direction is blocked; otherwise unknown wins over accept. */
export function combineVerdicts(a: Verdict, b: Verdict): Verdict {
  if (a === 'drop' || a === 'reject') return a
  if (b === 'drop' || b === 'reject') return b
  return a === 'unknown' || b === 'unknown' ? 'unknown' : 'accept'
}

const SPEC_HELP = 'Write it as in|out:tcp|udp:ADDRESS:PORT, e.g. out:tcp:203.0.113.5:443 or in:tcp:[2001:db8::1]:11434.'

/**
 * Parses `out:tcp:203.0.113.5:443`: direction, protocol, the remote address (IPv6 in brackets)
 * and the service port (the remote port when out, the local port when in).
 */
export function parsePacketSpec(text: string): PacketSpec {
  const match = /^(in|out):(tcp|udp):(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/i.exec(text.trim())
  const fail = (why: string) => usageError(`Cannot read packet "${text}": ${why}. ${SPEC_HELP}`)
  if (!match) throw fail('unexpected form')
  const remote = match[3].replace(/^\[|\]$/g, '')
  const family = addressFamily(remote)
  if (family === null) throw fail(`${remote} is not an IP address`)
  const port = Number(match[4])
  if (port < 1 || port > 65_535) throw fail(`port ${port} is out of range`)
  const direction = match[1].toLowerCase() as 'in' | 'out'
  const protocol = match[2].toLowerCase() as 'tcp' | 'udp'
  return {direction, protocol, family, remote, port}
}
