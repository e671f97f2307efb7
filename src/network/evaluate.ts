import {matchConditions, matchValues, type EvalPacket, type Tri} from './match.js'
import type {Action, Chain, Field, MatchValue, NatTarget, Rule, Table} from './ruleset.types.js'
import {buildListIndex, listCandidates, type ListIndex} from './rule-index.js'
import {append} from '../core/arrays.js'

type OutcomeVerdict = 'accept' | 'drop' | 'reject' | 'unknown' | 'return' | 'end' | 'dnat'

/** How one walk through a chain can end; `to` is set for a destination NAT. */
export interface Outcome {
  verdict: OutcomeVerdict
  chain: string
  rule: string | null
  to?: NatTarget
}

/** Evaluation steps are shared by every chain of one packet's path. */
interface Budget {
  steps: number
}

export interface Walk {
  table: Table
  packet: EvalPacket
  budget: Budget
  /** The first rule whose match could not be decided, for explaining an unknown verdict. */
  firstUncertain: string | null
  /** Candidate rule positions per chain for this walk's packet (see rule-index.ts); null: every rule. */
  candidates?: Map<Chain, number[] | null>
}

/** Bounds on the evaluation: undecided matches fork it, so both are capped. */
const MAX_STEPS = 20_000
const MAX_DEPTH = 32

const chainIndexes = new WeakMap<Rule[], ListIndex>()

/** The values a rule requires of a field: its first positive condition on it. */
function requiredOf(rule: Rule, field: Field): MatchValue[] | null {
  for (const c of rule.conditions) if (c.field === field && !c.negate) return c.values
  return null
}

/** The positions of the rules of a chain that may match the walk's packet, or null for all. */
function candidatesIn(walk: Walk, chain: Chain): number[] | null {
  walk.candidates ??= new Map()
  if (walk.candidates.has(chain)) return walk.candidates.get(chain)!
  let index = chainIndexes.get(chain.rules)
  if (!index || index.size !== chain.rules.length) {
    index = buildListIndex(chain.rules.length, (i, field) => requiredOf(chain.rules[i], field))
    chainIndexes.set(chain.rules, index)
  }
  const found = listCandidates(index, walk.packet.fields)
  walk.candidates.set(chain, found)
  return found
}

/** A rule's verdict: its outcomes, and whether the chain may go on after it (a jump that may return). */
interface Taken {
  outcomes: Outcome[]
  goesOn: boolean
}

const continues = (o: Outcome) => o.verdict === 'return' || o.verdict === 'end'

function runAction(walk: Walk, chain: Chain, action: Action, rule: Rule, depth: number): Taken {
  const here = {chain: chain.name, rule: rule.text}
  const only = (outcome: Outcome): Taken => ({outcomes: [outcome], goesOn: false})
  switch (action.kind) {
    case 'accept':
    case 'drop':
    case 'reject':
    case 'return':
      return only({verdict: action.kind, ...here})
    case 'nat':
      return only({verdict: 'accept', ...here})
    case 'dnat':
      return only({verdict: 'dnat', ...here, to: action.to})
    case 'unknown':
      walk.firstUncertain ??= rule.text
      return only({verdict: 'unknown', ...here})
    case 'jump':
    case 'goto': {
      const target = walk.table.chains.get(action.target)
      if (!target) return only({verdict: 'unknown', ...here})
      const inner = runChain(walk, target, depth + 1)
      // After a jump the calling chain goes on where the called one returned; after a goto the caller returns.
      if (action.kind === 'goto')
        return {outcomes: inner.map((o) => (continues(o) ? {verdict: 'return', ...here} : o)), goesOn: false}
      return {outcomes: inner.filter((o) => !continues(o)), goesOn: inner.some(continues)}
    }
    case 'vmap':
      return runVmap(walk, chain, action, rule, depth)
  }
}

const mapIndexes = new WeakMap<object, ListIndex>()

/** A verdict map: the entries that may match, in order, until one matches for sure. */
function runVmap(walk: Walk, chain: Chain, action: Extract<Action, {kind: 'vmap'}>, rule: Rule, depth: number): Taken {
  let entriesIndex = mapIndexes.get(action)
  if (!entriesIndex || entriesIndex.size !== action.entries.length) {
    const {field, entries} = action
    entriesIndex = buildListIndex(entries.length, (i, f) => (f === field ? entries[i].values : null))
    mapIndexes.set(action, entriesIndex)
  }
  const order = listCandidates(entriesIndex, walk.packet.fields)
  const outcomes: Outcome[] = []
  let goesOn = false
  const count = order ? order.length : action.entries.length
  for (let at = 0; at < count; at++) {
    const entry = action.entries[order ? order[at] : at]
    const hit: Tri = matchValues(action.field, walk.packet.fields[action.field], entry.values)
    if (hit === 'no') continue
    const taken = runAction(walk, chain, entry.action, rule, depth)
    append(outcomes, taken.outcomes)
    goesOn ||= taken.goesOn
    if (hit === 'yes') return {outcomes, goesOn}
    walk.firstUncertain ??= rule.text
  }
  // No entry matched for sure: the rule may not apply and the chain goes on.
  return {outcomes, goesOn: true}
}

/**
 * Runs a chain, returning every outcome the undecided matches allow. Rules
 * certainly not matching the packet are skipped through the chain's index. A rule that may not
 * apply, or a jump that may return, adds its outcomes and the chain goes on in this same loop:
 * the rest of the chain is evaluated once, however many such rules there are (kube-proxy's
 * KUBE-SERVICES has one per service), with no recursion.
 */
function runChain(walk: Walk, chain: Chain, depth: number): Outcome[] {
  if (depth > MAX_DEPTH) return [{verdict: 'unknown', chain: chain.name, rule: 'jump depth exceeded'}]
  const order = candidatesIn(walk, chain)
  const earlier: Outcome[] = []
  const done = (last: Outcome[]) => (earlier.length === 0 ? last : dedupe([...earlier, ...last]))
  for (let at = 0; ; at++) {
    const index = order ? order[at] : at
    if (index === undefined || index >= chain.rules.length) break
    if (++walk.budget.steps > MAX_STEPS)
      return done([{verdict: 'unknown', chain: chain.name, rule: 'evaluation too large'}])
    const rule = chain.rules[index]
    const hit = matchConditions(rule.conditions, walk.packet)
    if (hit === 'no') continue
    if (hit === 'maybe') walk.firstUncertain ??= rule.text
    if (!rule.action) continue
    const {outcomes, goesOn} = runAction(walk, chain, rule.action, rule, depth)
    if (hit === 'yes' && !goesOn) return done(outcomes)
    append(earlier, outcomes)
  }
  return done([{verdict: 'end', chain: chain.name, rule: null}])
}

function dedupe(outcomes: Outcome[]): Outcome[] {
  const seen = new Set<string>()
  return outcomes.filter((o) => {
    const key = `${o.verdict}\u0000${o.chain}\u0000${o.rule}\u0000${o.to ? natText(o.to) : ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** A NAT target as text: `172.17.0.2:11434`, `[fd00::2]:80`, `:8080` for a redirect. */
export function natText(to: NatTarget): string {
  const port = to.port ? (to.port.low === to.port.high ? `${to.port.low}` : `${to.port.low}-${to.port.high}`) : ''
  const addr = to.addr === undefined ? '' : to.addr.includes(':') ? `[${to.addr}]` : to.addr
  return port ? `${addr}:${port}` : addr
}

/** Runs a base chain; falling off its end (or returning from it) applies its policy. */
export function chainOutcomes(walk: Walk, chain: Chain): Outcome[] {
  return runChain(walk, chain, 0).map((o) =>
    o.verdict === 'end' || o.verdict === 'return'
      ? {verdict: chain.policy ?? 'accept', chain: chain.name, rule: `policy ${chain.policy ?? 'accept'}`}
      : o,
  )
}
