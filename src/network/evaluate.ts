import {matchConditions, matchValues, type EvalPacket, type Tri} from './match.js'
import type {Action, Chain, NatTarget, Rule, Table} from './ruleset.types.js'
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
}

/** Bounds on the evaluation: undecided matches fork it, so both are capped. */
const MAX_STEPS = 20_000
const MAX_DEPTH = 32

function runAction(walk: Walk, chain: Chain, index: number, action: Action, rule: Rule, depth: number): Outcome[] {
  const here = {chain: chain.name, rule: rule.text}
  switch (action.kind) {
    case 'accept':
    case 'drop':
    case 'reject':
    case 'return':
      return [{verdict: action.kind, ...here}]
    case 'nat':
      return [{verdict: 'accept', ...here}]
    case 'dnat':
      return [{verdict: 'dnat', ...here, to: action.to}]
    case 'unknown':
      walk.firstUncertain ??= rule.text
      return [{verdict: 'unknown', ...here}]
    case 'jump':
    case 'goto': {
      const target = walk.table.chains.get(action.target)
      if (!target) return [{verdict: 'unknown', ...here}]
      const inner = runChain(walk, target, 0, depth + 1)
      return inner.flatMap((outcome) => {
        if (outcome.verdict !== 'return' && outcome.verdict !== 'end') return [outcome]
        // After a jump the calling chain goes on; after a goto the calling chain returns.
        return action.kind === 'jump'
          ? runChain(walk, chain, index + 1, depth)
          : [{verdict: 'return' as const, ...here}]
      })
    }
    case 'vmap':
      return runVmap(walk, chain, index, action, rule, depth)
  }
}

function runVmap(
  walk: Walk,
  chain: Chain,
  index: number,
  action: Extract<Action, {kind: 'vmap'}>,
  rule: Rule,
  depth: number,
): Outcome[] {
  const outcomes: Outcome[] = []
  for (const entry of action.entries) {
    const hit: Tri = matchValues(action.field, walk.packet.fields[action.field], entry.values)
    if (hit === 'no') continue
    append(outcomes, runAction(walk, chain, index, entry.action, rule, depth))
    if (hit === 'yes') return outcomes
    walk.firstUncertain ??= rule.text
  }
  // No entry matched for sure: the rule may not apply and the chain goes on.
  return [...outcomes, ...runChain(walk, chain, index + 1, depth)]
}

/** Runs a chain from rule `start`, returning every outcome the undecided matches allow. */
function runChain(walk: Walk, chain: Chain, start: number, depth: number): Outcome[] {
  if (depth > MAX_DEPTH) return [{verdict: 'unknown', chain: chain.name, rule: 'jump depth exceeded'}]
  for (let index = start; index < chain.rules.length; index++) {
    if (++walk.budget.steps > MAX_STEPS) return [{verdict: 'unknown', chain: chain.name, rule: 'evaluation too large'}]
    const rule = chain.rules[index]
    const hit = matchConditions(rule.conditions, walk.packet)
    if (hit === 'no') continue
    const taken = rule.action ? runAction(walk, chain, index, rule.action, rule, depth) : null
    if (hit === 'yes') {
      if (taken) return taken
      continue
    }
    walk.firstUncertain ??= rule.text
    if (!taken) continue
    return dedupe([...taken, ...runChain(walk, chain, index + 1, depth)])
  }
  return [{verdict: 'end', chain: chain.name, rule: null}]
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
  return runChain(walk, chain, 0, 0).map((o) =>
    o.verdict === 'end' || o.verdict === 'return'
      ? {verdict: chain.policy ?? 'accept', chain: chain.name, rule: `policy ${chain.policy ?? 'accept'}`}
      : o,
  )
}
