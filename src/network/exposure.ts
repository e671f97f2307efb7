import {natText} from './evaluate.js'
import type {InferencePort} from './inference-ports.js'
import {evaluateConnectionPath, type ConnectionPath} from './packet.js'
import {TOO_MANY_TRANSLATIONS, type PathEnv} from './path.js'
import type {Action, Condition, FieldValue, NatTarget, PacketSpec, Ruleset, Table, Verdict} from './ruleset.types.js'

/** More interface names than this in the rules: fall back to "any interface but lo" (undecided matches). */
const MAX_INTERFACES = 32
/**
 * Port ranges followed per ruleset and protocol: one packet each, as the rules cannot tell their
 * ports apart. Ranges beyond this are reported as not followed (undecided), never dropped.
 */
const MAX_CANDIDATES = 512
/** The `to` of the entry standing for the ranges past MAX_CANDIDATES. */
export const NOT_FOLLOWED = 'not followed'

const arrivalCache = new WeakMap<Ruleset, FieldValue[]>()

function eachRule(ruleset: Ruleset, visit: (conditions: Condition[], action: Action | null) => void): void {
  for (const table of ruleset.tables)
    for (const chain of table.chains.values()) for (const rule of chain.rules) visit(rule.conditions, rule.action)
}

/**
 * The interfaces another host's packet can arrive on, one representative per class the rules
 * tell apart: each non-loopback name a rule tests (a wildcard stands for the names it matches)
 * and "an interface no rule names". Every real interface behaves like one of them.
 */
function arrivalInterfaces(ruleset: Ruleset): FieldValue[] {
  const cached = arrivalCache.get(ruleset)
  if (cached) return cached
  const names = new Set<string>()
  const add = (field: string, values: {kind: string; text?: string}[]) => {
    if (field !== 'iif') return
    for (const v of values) if (v.kind === 'str' && v.text && v.text !== 'lo') names.add(v.text)
  }
  eachRule(ruleset, (conditions, action) => {
    for (const c of conditions) if (c.field !== 'unknown') add(c.field, c.values)
    if (action?.kind === 'vmap') for (const entry of action.entries) add(action.field, entry.values)
  })
  const classes: FieldValue[] =
    names.size > MAX_INTERFACES
      ? [{kind: 'except', values: ['lo']}]
      : [{kind: 'other'}, ...[...names].sort().map((name): FieldValue => ({kind: 'value', value: name}))]
  arrivalCache.set(ruleset, classes)
  return classes
}

/** How an interface class is named in a report. */
function describeArrival(arrival: FieldValue): string {
  if (arrival.kind === 'value') return `interface ${String(arrival.value).replace(/\*$/, '+')}`
  if (arrival.kind === 'other') return 'an interface no rule names'
  return 'any interface but lo'
}

const OPENNESS: Record<Verdict, number> = {accept: 3, unknown: 2, reject: 1, drop: 0}

/**
 * The connection verdict for the most open interface class, and which class that is; `only`
 * restricts the answer to paths it accepts (those through a translation). Null when none qualifies.
 */
export function judgeArrivals(
  ruleset: Ruleset,
  spec: PacketSpec,
  env: PathEnv,
  only: (connection: ConnectionPath) => boolean = () => true,
): {connection: ConnectionPath; arrival: FieldValue} | null {
  let best: {connection: ConnectionPath; arrival: FieldValue} | null = null
  for (const arrival of arrivalInterfaces(ruleset)) {
    const connection = evaluateConnectionPath(ruleset, spec, {env, arrival})
    if (!only(connection)) continue
    if (!best || OPENNESS[connection.verdict] > OPENNESS[best.connection.verdict]) best = {connection, arrival}
  }
  return best
}

/** A port another host can reach because destination NAT sends it on (a container's published port). */
export interface PublishedPort {
  protocol: 'tcp' | 'udp'
  family: 4 | 6
  /** The port the outside connects to. */
  port: number
  /**
   * The last port of a range no rule tells apart from `port` (judged as one packet): a DNAT of
   * 20000-20100 cut where a DOCKER-USER rule names 20000-20015. Absent for a single port.
   */
  lastPort?: number
  /** Where NAT sends it: `172.17.0.2:11434`, `:8080` for a redirect. */
  to: string
  /** The destination port after translation. */
  toPort: number
  /** Forwarded to another address (a container) rather than delivered to this host. */
  forwarded: boolean
  service: string | null
  inference: boolean
  exposed: boolean | null
  verdict: Verdict
  /** `dnat 11434 → 172.17.0.2:11434 via forward chain DOCKER`. */
  path: string
  /** The interface class of the most open answer. */
  arrival: string
  /** The translating rule. */
  natRule: string | null
  /** Each base chain the packet passed. */
  hooks: string[]
  /**
   * The ufw or firewalld rules (read from their own configuration) this port would meet on input
   * were it not translated, and so bypasses: `ufw deny 11434/tcp (/etc/ufw/user.rules)`.
   */
  bypasses: string[]
}

function dnatTargets(action: Action | null): NatTarget[] {
  if (action?.kind === 'dnat') return [action.to]
  if (action?.kind === 'vmap') return action.entries.flatMap((e) => dnatTargets(e.action))
  return []
}

/** The target chain of a jump or goto, in the action or any of its map entries. */
function jumpTargets(action: Action | null, out: string[] = []): string[] {
  if (action?.kind === 'jump' || action?.kind === 'goto') out.push(action.target)
  if (action?.kind === 'vmap') for (const e of action.entries) jumpTargets(e.action, out)
  return out
}

/** DNAT in a ruleset, found in one pass and kept per ruleset (kube-proxy: 24,000 rules). */
interface DnatSummary {
  /** Per table, the chains from which a destination NAT can be reached (empty tables left out). */
  reaching: Map<Table, Set<string>>
  /** Every address a DNAT rule sends packets to. */
  addresses: string[]
  /** Every port range a DNAT rule names as its new destination port. */
  targetPorts: PortRange[]
}

const summaryCache = new WeakMap<Ruleset, DnatSummary>()

function isDnat(action: Action | null): boolean {
  if (action?.kind === 'dnat') return true
  return action?.kind === 'vmap' && action.entries.some((e) => isDnat(e.action))
}

/**
 * The chains of a table from which a destination NAT can be reached: those holding one, and those
 * jumping to such a chain. kube-proxy's NodePort rule (`KUBE-NODEPORTS --dport 31434 -j KUBE-EXT-…`)
 * names the port on a jump three chains above the DNAT, which names none.
 */
function chainsReachingDnat(table: Table, addresses: Set<string>, targetPorts: PortRange[]): Set<string> {
  const callers = new Map<string, string[]>()
  const reaching = new Set<string>()
  for (const chain of table.chains.values()) {
    for (const {action} of chain.rules) {
      if (action === null || action.kind === 'accept' || action.kind === 'drop' || action.kind === 'return') continue
      if (isDnat(action)) {
        reaching.add(chain.name)
        for (const to of dnatTargets(action)) {
          if (to.addr !== undefined) addresses.add(to.addr)
          if (to.port) targetPorts.push(to.port)
        }
      }
      for (const target of jumpTargets(action)) {
        const list = callers.get(target)
        if (list) list.push(chain.name)
        else callers.set(target, [chain.name])
      }
    }
  }
  const queue = [...reaching]
  for (let at = 0; at < queue.length; at++) {
    for (const caller of callers.get(queue[at]) ?? []) {
      if (reaching.has(caller)) continue
      reaching.add(caller)
      queue.push(caller)
    }
  }
  return reaching
}

function summariseDnat(ruleset: Ruleset): DnatSummary {
  let summary = summaryCache.get(ruleset)
  if (!summary) {
    const addresses = new Set<string>()
    const targetPorts: PortRange[] = []
    const reaching = new Map<Table, Set<string>>()
    for (const table of ruleset.tables) {
      const found = chainsReachingDnat(table, addresses, targetPorts)
      if (found.size > 0) reaching.set(table, found)
    }
    summary = {reaching, addresses: [...addresses], targetPorts}
    summaryCache.set(ruleset, summary)
  }
  return summary
}

/** Whether taking this action may lead to a destination NAT. */
function leadsToDnat(action: Action | null, reaching: Set<string>): boolean {
  return isDnat(action) || jumpTargets(action).some((target) => reaching.has(target))
}

/** Ports a published range starts and ends with, inclusive: judged as one when no rule tells them apart. */
export interface PortRange {
  low: number
  high: number
}

/** Each port at which what some rule tests about a destination port may change (sorted). */
function portBoundaries(ruleset: Ruleset, ports: InferencePort[]): number[] {
  const cuts = new Set<number>([0])
  const add = (v: {kind: string; low?: number; high?: number}) => {
    if (v.kind !== 'num') return
    cuts.add(v.low!)
    cuts.add(v.high! + 1)
  }
  eachRule(ruleset, (conditions, action) => {
    for (const c of conditions) if (c.field === 'dport') c.values.forEach(add)
    if (action?.kind === 'vmap' && action.field === 'dport') for (const e of action.entries) e.values.forEach(add)
  })
  // An inference port is its own range: the catalog names its service.
  for (const p of ports) add({kind: 'num', low: p.port, high: p.port})
  return [...cuts].filter((cut) => cut <= 65535).sort((a, b) => a - b)
}

/** `range` cut at every boundary inside it (`cuts` sorted; found by bisection: kube-proxy names 16,000). */
export function splitRange(range: PortRange, cuts: number[]): PortRange[] {
  let at = 0
  for (let span = cuts.length; span > 0;) {
    const half = span >> 1
    if (cuts[at + half] <= range.low) {
      at += half + 1
      span -= half + 1
    } else span = half
  }
  const out: PortRange[] = []
  let low = range.low
  for (; at < cuts.length && cuts[at] <= range.high; at++) {
    out.push({low, high: cuts[at] - 1})
    low = cuts[at]
  }
  out.push({low, high: range.high})
  return out
}

/** The protocols a rule can match among those a published port is judged for (tcp, udp). */
function ruleProtocols(conditions: Condition[]): ('tcp' | 'udp')[] {
  const both: ('tcp' | 'udp')[] = ['tcp', 'udp']
  const test = conditions.find((c) => c.field === 'l4proto')
  if (!test || test.field === 'unknown') return both
  const named = test.values.flatMap((v) => (v.kind === 'str' ? [v.text] : []))
  return both.filter((p) => named.includes(p) !== test.negate)
}

/**
 * Port ranges worth asking about, per protocol: every inference port, and the destination ports
 * named on the way to a translation (on DNAT rules and maps, and on jumps to chains that lead to
 * one), cut where any rule in the ruleset tells ports apart so one packet stands for each range.
 */
function candidateRanges(ruleset: Ruleset, ports: InferencePort[]): Map<'tcp' | 'udp', PortRange[]> {
  const cuts = portBoundaries(ruleset, ports)
  const named = new Map<'tcp' | 'udp', Map<number, PortRange>>([
    ['tcp', new Map(ports.map((p) => [p.port, {low: p.port, high: p.port}]))],
    ['udp', new Map()],
  ])
  const add = (protocols: ('tcp' | 'udp')[], v: {kind: string; low?: number; high?: number}) => {
    if (v.kind !== 'num') return
    for (const piece of splitRange({low: v.low!, high: v.high!}, cuts))
      for (const protocol of protocols) named.get(protocol)!.set(piece.low, piece)
  }
  for (const [table, reaching] of summariseDnat(ruleset).reaching) {
    for (const name of reaching) {
      for (const {conditions, action} of table.chains.get(name)?.rules ?? []) {
        if (!leadsToDnat(action, reaching)) continue
        const protocols = ruleProtocols(conditions)
        for (const c of conditions) if (c.field === 'dport' && !c.negate) for (const v of c.values) add(protocols, v)
        if (action?.kind === 'vmap' && action.field === 'dport')
          for (const e of action.entries) for (const v of e.values) add(protocols, v)
      }
    }
  }
  return new Map([...named].map(([protocol, ranges]) => [protocol, [...ranges.values()].sort((a, b) => a.low - b.low)]))
}

/** Whether any rule translates destinations: without one there is nothing to follow. */
export function hasDnat(ruleset: Ruleset): boolean {
  return summariseDnat(ruleset).reaching.size > 0
}

/** Every address a DNAT rule sends packets to (the routes to look up). */
export function dnatAddresses(ruleset: Ruleset): string[] {
  return summariseDnat(ruleset).addresses
}

/** The runtime catalog's entry for a published port: by the port inside (the container's), then outside. */
export function catalogEntry(byPort: Map<number, InferencePort>, port: number, toPort: number): InferencePort | null {
  return byPort.get(toPort) ?? byPort.get(port) ?? null
}

function describePath(ports: string, to: string, connection: ConnectionPath): string {
  const {path} = connection
  const via =
    path.rule === TOO_MANY_TRANSLATIONS
      ? ` (not followed: ${TOO_MANY_TRANSLATIONS})`
      : path.forwardChain
        ? ` via forward chain ${path.forwardChain}`
        : path.forwarded
          ? ' (forwarded)'
          : ' (delivered to this host)'
  return `dnat ${ports} → ${to}${via}`
}

/**
 * What is said of the ranges past MAX_CANDIDATES: undecided, and an inference port's when a DNAT
 * rule names one as its new port (one of them may be translated to it).
 */
function unfollowed(
  protocol: 'tcp' | 'udp',
  family: 4 | 6,
  ranges: PortRange[],
  byPort: Map<number, InferencePort>,
  targetPorts: PortRange[],
): PublishedPort {
  const low = ranges[0].low
  const high = ranges[ranges.length - 1].high
  const inside = (t: PortRange) => [...byPort.keys()].find((p) => p >= t.low && p <= t.high)
  const toPort = targetPorts.map(inside).find((p) => p !== undefined) ?? low
  const service = catalogEntry(byPort, low, toPort)
  return {
    protocol,
    family,
    port: low,
    lastPort: high,
    to: NOT_FOLLOWED,
    toPort,
    forwarded: false,
    service: service?.service ?? null,
    inference: service !== null,
    exposed: null,
    verdict: 'unknown',
    path: `dnat: ${ranges.length} ${protocol} port ranges from ${low} to ${high} not followed (more than ${MAX_CANDIDATES} to follow)`,
    arrival: 'not evaluated',
    natRule: null,
    hooks: [],
    bypasses: [],
  }
}

/**
 * The ports destination NAT publishes (Docker's and kube-proxy's DNAT, nft dnat and redirect):
 * for each candidate port range, protocol and family, a new connection from another host on each
 * interface class is followed through prerouting, the routing decision and forward (or input) to
 * its verdict. Ranges past MAX_CANDIDATES are reported as not followed, undecided.
 */
export function findPublishedPorts(
  ruleset: Ruleset,
  options: {env: PathEnv; ports: InferencePort[]; families: (4 | 6)[]},
): PublishedPort[] {
  if (!hasDnat(ruleset)) return []
  const byPort = new Map(options.ports.map((p) => [p.port, p]))
  const found: PublishedPort[] = []
  for (const [protocol, all] of candidateRanges(ruleset, options.ports)) {
    // Inference ports first, so the limit never leaves one of them unfollowed.
    const ranked = [...all.filter((r) => byPort.has(r.low)), ...all.filter((r) => !byPort.has(r.low))]
    const followed = ranked.slice(0, MAX_CANDIDATES).sort((a, b) => a.low - b.low)
    const rest = ranked.slice(MAX_CANDIDATES).sort((a, b) => a.low - b.low)
    for (const family of options.families) {
      for (const range of followed) {
        const published = judgePublished(ruleset, {protocol, family, range}, options.env, byPort)
        if (published) found.push(published)
      }
      if (rest.length > 0) found.push(unfollowed(protocol, family, rest, byPort, summariseDnat(ruleset).targetPorts))
    }
  }
  return found.sort((a, b) => a.family - b.family || a.port - b.port || a.protocol.localeCompare(b.protocol))
}

/** One candidate range judged by its first port, null when no path through a translation accepts it. */
function judgePublished(
  ruleset: Ruleset,
  candidate: {protocol: 'tcp' | 'udp'; family: 4 | 6; range: PortRange},
  env: PathEnv,
  byPort: Map<number, InferencePort>,
): PublishedPort | null {
  const {protocol, family, range} = candidate
  const port = range.low
  const spec: PacketSpec = {direction: 'in', protocol, family, port}
  const judged = judgeArrivals(ruleset, spec, env, (c) => c.path.nat !== null)
  if (!judged) return null
  const {connection, arrival} = judged
  const nat = connection.path.nat!
  const toPort = nat.to.port?.low ?? port
  // A translation that keeps the port still sends the packet to that port: name it.
  const to = natText({...nat.to, port: nat.to.port ?? {low: port, high: port}})
  const service = catalogEntry(byPort, port, toPort)
  const verdict = connection.verdict
  return {
    protocol,
    family,
    port,
    ...(range.high > port ? {lastPort: range.high} : {}),
    to,
    toPort,
    forwarded: connection.path.forwarded !== null,
    service: service?.service ?? null,
    inference: service !== null,
    exposed: verdict === 'accept' ? true : verdict === 'unknown' ? null : false,
    verdict,
    path: describePath(range.high > port ? `${port}-${range.high}` : String(port), to, connection),
    arrival: describeArrival(arrival),
    natRule: nat.rule,
    hooks: connection.path.path,
    bypasses: [],
  }
}
