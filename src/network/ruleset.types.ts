import type {AddressRange} from './ip.js'

/** Packet fields a rule condition can test. */
export type Field =
  | 'iif'
  | 'oif'
  | 'l4proto'
  | 'nfproto'
  | 'saddr'
  | 'daddr'
  | 'sport'
  | 'dport'
  | 'ctstate'
  /** The kind of destination address (`fib daddr type`, `-m addrtype --dst-type`): local, unicast… */
  | 'dtype'

/** One value a condition compares against. Strings may end in `*` (interface wildcard). */
export type MatchValue =
  {kind: 'addr'; range: AddressRange} | {kind: 'num'; low: number; high: number} | {kind: 'str'; text: string}

/**
 * A condition of a rule. `values` match when the packet field equals any of them; `negate`
 * inverts that. A condition the parser could not interpret is `unknown`: it may or may not match.
 */
export type Condition = {field: Field; negate: boolean; values: MatchValue[]} | {field: 'unknown'; what: string}

/** What a rule does when all its conditions match. */
export type Action =
  | {kind: 'accept' | 'drop' | 'reject' | 'return'}
  /** Source NAT and masquerade: the nat chain ends, the packet goes on. */
  | {kind: 'nat'}
  | {kind: 'jump' | 'goto'; target: string}
  /** Destination NAT (dnat, redirect, DNAT, REDIRECT): the nat chain ends and the packet goes on, rewritten. */
  | {kind: 'dnat'; to: NatTarget}
  /** A verdict map (or a dnat map): the first entry whose values contain the key field decides. */
  | {kind: 'vmap'; field: Field; entries: {values: MatchValue[]; action: Action}[]}
  /** Something that changes the packet's fate in a way llmsec does not model (queue, tproxy, xt target). */
  | {kind: 'unknown'; what: string}

/** Where destination NAT sends a packet. */
export interface NatTarget {
  /** The new destination address; undefined for a redirect (the address the packet arrived on). */
  addr?: string
  /** The new destination port or port range; undefined: unchanged. */
  port?: {low: number; high: number}
  /** Only packets of this family are translated (nft `dnat ip to …` in an inet table). */
  family?: 4 | 6
}

export interface Rule {
  /** nft handle or iptables rule number within its chain. */
  id: string
  /** The rule as text, for humans (nft-like or the iptables-save line). */
  text: string
  conditions: Condition[]
  /** null: no verdict (counter, log): evaluation continues with the next rule. */
  action: Action | null
}

export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress'
export type ChainType = 'filter' | 'nat' | 'route'

export interface Chain {
  name: string
  /** Base chains have a hook; regular chains are only reached by jump or goto. */
  hook?: Hook
  type?: ChainType
  priority?: number
  policy?: 'accept' | 'drop'
  /** netdev chains bind to one device. */
  device?: string
  rules: Rule[]
}

export type TableFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev'
/** Where a table was read from. */
export type TableSource = 'nftables' | 'iptables-nft' | 'iptables-legacy'

export interface Table {
  family: TableFamily
  name: string
  source: TableSource
  /** By name. A Map, so that names such as `__proto__` or `constructor` are ordinary names. */
  chains: Map<string, Chain>
}

/** A firewall as llmsec models it, plus notes on anything it could not interpret. */
export interface Ruleset {
  tables: Table[]
  notes: string[]
}

/** The value of a packet field as far as the evaluation knows it. */
export type FieldValue =
  | {kind: 'value'; value: string | number}
  /** Could be anything: conditions on it are undecided. */
  | {kind: 'unknown'}
  /** Anything except these exact values (e.g. an interface that is not lo). */
  | {kind: 'except'; values: string[]}
  /** Some address outside these ranges (another host's address is never a loopback one). */
  | {kind: 'outside'; ranges: AddressRange[]}
  /** One of this host's own addresses, somewhere in these ranges (its local routing table, loopback excluded). */
  | {kind: 'among'; ranges: AddressRange[]}
  /** Not present at this hook (oif on input): every condition on it fails. */
  | {kind: 'absent'}
  /** "Any value no rule names": used to find what happens to traffic no rule is about. */
  | {kind: 'other'}
  /** Some number in [low, high] (a local ephemeral port). */
  | {kind: 'range'; low: number; high: number}

export type Verdict = 'accept' | 'drop' | 'reject' | 'unknown'

/** A packet as described by the user or by the exposure analysis. */
export interface PacketSpec {
  direction: 'in' | 'out'
  protocol: 'tcp' | 'udp'
  family: 4 | 6
  /** The remote address (destination when out, source when in); undefined: any remote host. */
  remote?: string
  /** The local address; undefined: any local non-loopback address. */
  local?: string
  /** The service port (destination when out, local listening port when in). */
  port?: number
  /** The local ephemeral port range (net.ipv4.ip_local_port_range); undefined: any port. */
  ephemeral?: {low: number; high: number}
  /** Interface names when known. */
  iif?: string
  oif?: string
}

/** Where a verdict came from. */
export interface Decision {
  verdict: Verdict
  table: string | null
  chain: string | null
  /** The deciding rule's text, or `policy drop` etc., or null when nothing decided. */
  rule: string | null
}
