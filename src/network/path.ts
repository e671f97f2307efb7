import {isLoopbackAddress} from '../core/net.js'
import {append} from '../core/arrays.js'
import {chainOutcomes, natText, type Outcome, type Walk} from './evaluate.js'
import type {AddressRange} from './ip.js'
import {copyFields, type EvalPacket} from './match.js'
import type {Chain, Decision, FieldValue, Hook, NatTarget, Ruleset, Table} from './ruleset.types.js'

/** Where the kernel routes a translated destination. */
export interface Route {
  /** True: an address of this host (the packet goes to input); false: elsewhere (forward); null: not known. */
  local: boolean | null
  /** The outgoing interface when the packet is forwarded, when known. */
  dev: string | null
}

/** Host facts the path of a translated packet depends on: routes and the forwarding switches. */
export interface PathEnv {
  route(addr: string, family: 4 | 6): Route
  /** net.ipv4.ip_forward / net.ipv6.conf.all.forwarding; null: not known, read as on. */
  forwarding(family: 4 | 6): boolean | null
  /**
   * The addresses packets to this host can carry (its local routing table, loopback excluded);
   * null or absent: not known, any non-loopback address.
   */
  locals?(family: 4 | 6): AddressRange[] | null
}

/** Nothing known about the host: a translated packet may be delivered locally or forwarded. */
export const UNKNOWN_ENV: PathEnv = {
  route: (addr) => ({local: isLoopbackAddress(addr) ? true : null, dev: null}),
  forwarding: () => null,
}

/** A destination NAT the packet went through. */
export interface NatStep {
  hook: Hook
  table: string
  chain: string
  rule: string | null
  to: NatTarget
}

/** The verdict on one packet's whole path, with the translation and the base chains it passed. */
export interface PathDecision extends Decision {
  nat: NatStep | null
  /** Set when the translated packet is forwarded: the outgoing interface (when known). */
  forwarded: {dev: string | null} | null
  /** The forward-hook chain whose rule accepted the translated packet, when one did. */
  forwardChain: string | null
  /** Each base chain passed, in order: `prerouting ip nat PREROUTING: dnat to 10.0.0.2:11434 by "…"`. */
  path: string[]
}

interface Fork {
  packet: EvalPacket
  hooks: Hook[]
  routed: boolean
  nat: NatStep | null
  forwarded: {dev: string | null} | null
  forwardChain: string | null
  path: string[]
  accepted: Decision | null
  uncertain: Decision | null
  /** Block verdicts earlier undecided chains might have given. */
  blocks: Set<string>
}

interface Ctx {
  env: PathEnv
  bases: BaseChains
  forks: number
}

interface BaseChain {
  table: Table
  chain: Chain
}

/** Undecided translations fork the path; past this many forks the answer is unknown. */
const MAX_FORKS = 64
/** The rule named on a path whose translation was not followed past MAX_FORKS. */
export const TOO_MANY_TRANSLATIONS = 'too many translations to follow'

const STAGES: Record<EvalPacket['path'], Hook[]> = {
  in: ['ingress', 'prerouting'],
  out: ['output', 'postrouting'],
  forward: ['ingress', 'prerouting', 'forward', 'postrouting'],
}

/** The ruleset's base chains, and per hook, family and ct state the ones a packet traverses, by priority. */
interface BaseChains {
  all: BaseChain[]
  at: Map<string, BaseChain[]>
}

const baseCache = new WeakMap<Ruleset, BaseChains>()

/** Every base chain of the ruleset, computed once per ruleset (kube-proxy tables hold thousands of chains). */
function baseChains(ruleset: Ruleset): BaseChains {
  let bases = baseCache.get(ruleset)
  if (!bases) {
    const all: BaseChain[] = []
    for (const table of ruleset.tables)
      for (const chain of table.chains.values()) if (chain.hook) all.push({table, chain})
    bases = {all, at: new Map()}
    baseCache.set(ruleset, bases)
  }
  return bases
}

function familyApplies(table: Table, family: 4 | 6): boolean {
  if (table.family === 'inet' || table.family === 'netdev') return true
  return table.family === (family === 4 ? 'ip' : 'ip6')
}

/** The base chains of one hook the packet traverses, by priority. */
function chainsAt(ctx: Ctx, packet: EvalPacket, hook: Hook): BaseChain[] {
  const key = `${hook} ${packet.family} ${packet.ctNew}`
  const cached = ctx.bases.at.get(key)
  if (cached) return cached
  const found = ctx.bases.all.filter(
    ({table, chain}) =>
      chain.hook === hook &&
      familyApplies(table, packet.family) &&
      (hook === 'ingress') === (table.family === 'netdev') &&
      (chain.type !== 'nat' || packet.ctNew),
  )
  found.sort((a, b) => (a.chain.priority ?? 0) - (b.chain.priority ?? 0))
  ctx.bases.at.set(key, found)
  return found
}

const tableName = (table: Table) => `${table.family} ${table.name}`

function decide(verdict: Decision['verdict'], table: Table | null, outcome: Outcome | null): Decision {
  return {verdict, table: table ? tableName(table) : null, chain: outcome?.chain ?? null, rule: outcome?.rule ?? null}
}

function deviceApplies(chain: Chain, packet: EvalPacket): boolean {
  if (!chain.device) return true
  const iif = packet.fields.iif
  return iif.kind === 'value' && iif.value === chain.device
}

function finish(fork: Fork, decision?: Decision): PathDecision {
  const {verdict, table, chain, rule} = decision ?? fork.uncertain ?? fork.accepted ?? decide('accept', null, null)
  const {nat, forwarded, path} = fork
  const forwardChain = verdict === 'accept' ? fork.forwardChain : null
  return {verdict, table, chain, rule, nat, forwarded, forwardChain, path}
}

/**
 * A copy of a fork with some fields changed. Written out rather than spread: object spread
 * dominated the evaluation profile on kube-proxy-sized rulesets.
 */
function nextFork(fork: Fork, change: Partial<Fork>): Fork {
  const {packet, hooks, routed, nat, forwarded, forwardChain, path, accepted, uncertain, blocks} = fork
  const copy: Fork = {packet, hooks, routed, nat, forwarded, forwardChain, path, accepted, uncertain, blocks}
  return Object.assign(copy, change)
}

const byPolicy = (d: Decision | null) => d?.rule?.startsWith('policy') ?? true

/** Applies one chain's (untranslated) outcomes: blocked for sure ends the path, else it goes on. */
function settle(fork: Fork, at: BaseChain, hook: Hook, outcomes: Outcome[], walk: Walk): Fork | PathDecision {
  const {table, chain} = at
  const label = `${hook} ${tableName(table)} ${chain.name}`
  const blocked = outcomes.filter((o) => o.verdict === 'drop' || o.verdict === 'reject')
  if (blocked.length === outcomes.length && deviceApplies(chain, fork.packet)) {
    // Blocked whatever the undecided matches were. If it could be a drop or a reject, say so.
    const kinds = new Set([...fork.blocks, ...blocked.map((o) => o.verdict)])
    const first = decide(blocked[0].verdict as 'drop' | 'reject', table, blocked[0])
    const decision =
      kinds.size > 1 ? {...first, verdict: 'drop' as const, rule: `drop or reject: ${first.rule}`} : first
    return finish(
      nextFork(fork, {path: [...fork.path, `${label}: ${decision.verdict} by "${decision.rule}"`]}),
      decision,
    )
  }
  const blocks = new Set(fork.blocks)
  for (const o of blocked) blocks.add(o.verdict)
  if (outcomes.every((o) => o.verdict === 'accept')) {
    const byRule = outcomes.find((o) => !o.rule?.startsWith('policy')) ?? outcomes[0]
    const ruled = !byRule.rule?.startsWith('policy')
    const accepted = byPolicy(fork.accepted) && ruled ? decide('accept', table, byRule) : fork.accepted
    const forwardChain = hook === 'forward' && ruled ? byRule.chain : fork.forwardChain
    const step = `${label}: accept by "${byRule.rule}"`
    return nextFork(fork, {
      accepted: accepted ?? decide('accept', table, byRule),
      forwardChain,
      blocks,
      path: [...fork.path, step],
    })
  }
  const unclear = outcomes.find((o) => o.verdict === 'unknown')
  const uncertain = fork.uncertain ?? {
    ...decide('unknown', table, unclear ?? null),
    rule: unclear?.rule ?? walk.firstUncertain,
  }
  return nextFork(fork, {uncertain, blocks, path: [...fork.path, `${label}: undecided at "${uncertain.rule}"`]})
}

function portValue(port: NatTarget['port']): FieldValue | undefined {
  if (!port) return undefined
  return port.low === port.high ? {kind: 'value', value: port.low} : {kind: 'range', low: port.low, high: port.high}
}

/** The packet after destination NAT: new destination address and port. */
function translate(fork: Fork, at: BaseChain, hook: Hook, outcome: Outcome): Fork {
  const to = outcome.to!
  const fields = copyFields(fork.packet.fields)
  if (to.addr !== undefined) fields.daddr = {kind: 'value', value: to.addr}
  fields.dport = portValue(to.port) ?? fields.dport
  const nat: NatStep = {hook, table: tableName(at.table), chain: outcome.chain, rule: outcome.rule, to}
  const step = `${hook} ${tableName(at.table)} ${at.chain.name}: dnat to ${natText(to)} by "${outcome.rule}"`
  return nextFork(fork, {
    packet: {family: fork.packet.family, path: fork.packet.path, ctNew: fork.packet.ctNew, fields},
    nat,
    path: [...fork.path, step],
  })
}

/** After prerouting the kernel routes the (translated) packet: to this host's input, or forward. */
function route(ctx: Ctx, fork: Fork): (Fork | PathDecision)[] {
  const addr = fork.nat?.to.addr
  const local: Fork = nextFork(fork, {routed: true, hooks: [...fork.hooks, 'input']})
  if (fork.packet.path !== 'in') return [nextFork(fork, {routed: true})]
  if (addr === undefined) return [local]
  const family = fork.packet.family
  const found = ctx.env.route(addr, family)
  const out: (Fork | PathDecision)[] = found.local === false ? [] : [local]
  if (found.local === true) return out
  const forwarding = ctx.env.forwarding(family)
  const off = family === 4 ? 'net.ipv4.ip_forward = 0' : 'net.ipv6.conf.all.forwarding = 0'
  const via = found.dev ? ` via ${found.dev}` : ''
  if (forwarding === false) {
    out.push(finish(fork, {verdict: 'drop', table: null, chain: null, rule: `not forwarded: ${off}`}))
    return out
  }
  const fields = copyFields(fork.packet.fields)
  fields.dtype = {kind: 'value', value: 'unicast'}
  fields.oif = found.dev ? {kind: 'value', value: found.dev} : {kind: 'unknown'}
  out.push(
    nextFork(fork, {
      routed: true,
      packet: {family, path: fork.packet.path, ctNew: fork.packet.ctNew, fields},
      hooks: [...fork.hooks, 'forward', 'postrouting'],
      forwarded: {dev: found.dev},
      path: [...fork.path, `route: ${addr} is not local, forwarded${via}`],
    }),
  )
  return out
}

function visit(ctx: Ctx, fork: Fork, hookAt: number, chainAt: number): PathDecision[] {
  let [h, c] = [hookAt, chainAt]
  let chains: BaseChain[] = []
  for (;;) {
    if (h >= fork.hooks.length) return [finish(fork)]
    chains = chainsAt(ctx, fork.packet, fork.hooks[h])
    if (c < chains.length) break
    if (fork.hooks[h] === 'prerouting' && !fork.routed) {
      const next = h + 1
      return route(ctx, fork).flatMap((f) => ('verdict' in f ? [f] : visit(ctx, f, next, 0)))
    }
    ;[h, c] = [h + 1, 0]
  }
  const at = chains[c]
  const hook = fork.hooks[h]
  const walk: Walk = {table: at.table, packet: fork.packet, budget: {steps: 0}, firstUncertain: null}
  const outcomes = chainOutcomes(walk, at.chain)
  const results: PathDecision[] = []
  const seen = new Set<string>()
  const plain: Outcome[] = []
  for (const outcome of outcomes) {
    if (outcome.verdict !== 'dnat' || !outcome.to) plain.push(outcome)
    else if (at.chain.type !== 'nat') plain.push({...outcome, verdict: 'unknown'})
    else if (!seen.has(natText(outcome.to))) {
      seen.add(natText(outcome.to))
      if (++ctx.forks > MAX_FORKS) {
        // The leaf keeps its translation: a published port with too many to follow is unknown, not dropped.
        const translated = translate(fork, at, hook, outcome)
        const unfollowed = nextFork(translated, {
          path: [...translated.path, `${TOO_MANY_TRANSLATIONS} (over ${MAX_FORKS})`],
        })
        results.push(finish(unfollowed, {...decide('unknown', at.table, outcome), rule: TOO_MANY_TRANSLATIONS}))
        return results
      }
      append(results, visit(ctx, translate(fork, at, hook, outcome), h, c + 1))
    }
  }
  if (plain.length === 0) return results
  const settled = settle(fork, at, hook, plain, walk)
  if ('verdict' in settled) results.push(settled)
  else append(results, visit(ctx, settled, h, c + 1))
  return results
}

/**
 * Several paths (an undecided translation forks one): blocked on every one is blocked, accepted
 * on every one is accepted, anything else is unknown.
 */
function combinePaths(leaves: PathDecision[]): PathDecision {
  const blocked = leaves.filter((l) => l.verdict === 'drop' || l.verdict === 'reject')
  if (blocked.length === leaves.length) {
    const kinds = new Set(blocked.map((l) => l.verdict))
    return kinds.size > 1 ? {...blocked[0], verdict: 'drop', rule: `drop or reject: ${blocked[0].rule}`} : blocked[0]
  }
  // A translated leaf is named first: a path without one would hide the port from the published list.
  const translated = leaves.filter((l) => l.nat)
  if (leaves.every((l) => l.verdict === 'accept')) return translated[0] ?? leaves[0]
  const unclear =
    translated.find((l) => l.verdict === 'unknown') ??
    translated.find((l) => l.verdict === 'accept') ??
    translated[0] ??
    leaves.find((l) => l.verdict === 'unknown') ??
    leaves[0]
  return {...unclear, verdict: 'unknown', forwardChain: null}
}

/**
 * Evaluates one packet along its whole path: every base chain of each hook in kernel order,
 * destination NAT in prerouting and output, the routing decision (input or forward) for the
 * translated packet, then forward and postrouting. Anything undecidable yields `unknown`.
 */
export function evaluatePath(ruleset: Ruleset, packet: EvalPacket, env: PathEnv = UNKNOWN_ENV): PathDecision {
  const ctx: Ctx = {env, bases: baseChains(ruleset), forks: 0}
  const fork: Fork = {
    packet,
    hooks: STAGES[packet.path],
    routed: packet.path !== 'in',
    nat: null,
    forwarded: null,
    forwardChain: null,
    path: [],
    accepted: null,
    uncertain: null,
    blocks: new Set(),
  }
  return combinePaths(visit(ctx, fork, 0, 0))
}

/** The verdict on one packet and the rule that decided it (evaluatePath without the path). */
export function evaluatePacket(ruleset: Ruleset, packet: EvalPacket, env: PathEnv = UNKNOWN_ENV): Decision {
  const {verdict, table, chain, rule} = evaluatePath(ruleset, packet, env)
  return {verdict, table, chain, rule}
}
