import {matchConditions, matchValues, type EvalPacket, type Tri} from './match.js'
import type {Action, Chain, Decision, Hook, Rule, Ruleset, Table} from './ruleset.types.js'
import {append} from '../core/arrays.js'

type OutcomeVerdict = 'accept' | 'drop' | 'reject' | 'unknown' | 'return' | 'end'

interface Outcome {
  verdict: OutcomeVerdict
  chain: string
  rule: string | null
}

interface Walk {
  table: Table
  packet: EvalPacket
  steps: number
  /** The first rule whose match could not be decided, for explaining an unknown verdict. */
  firstUncertain: string | null
}

/** Bounds on the evaluation: undecided matches fork it, so both are capped. */
const MAX_STEPS = 20_000
const MAX_DEPTH = 32

const STAGES: Record<'in' | 'out', Hook[]> = {in: ['ingress', 'prerouting', 'input'], out: ['output', 'postrouting']}

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
    if (++walk.steps > MAX_STEPS) return [{verdict: 'unknown', chain: chain.name, rule: 'evaluation too large'}]
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
    const key = `${o.verdict}\u0000${o.chain}\u0000${o.rule}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

interface BaseChain {
  table: Table
  chain: Chain
}

function familyApplies(table: Table, family: 4 | 6): boolean {
  if (table.family === 'inet' || table.family === 'netdev') return true
  return table.family === (family === 4 ? 'ip' : 'ip6')
}

/** Base chains a packet traverses on its path, in kernel order (stage, then priority). */
function baseChainsFor(ruleset: Ruleset, packet: EvalPacket): BaseChain[] {
  const stages = STAGES[packet.path]
  const chains: BaseChain[] = []
  for (const table of ruleset.tables) {
    if (!familyApplies(table, packet.family)) continue
    for (const chain of table.chains.values()) {
      if (!chain.hook || !stages.includes(chain.hook)) continue
      if ((chain.hook === 'ingress') !== (table.family === 'netdev')) continue
      if (chain.type === 'nat' && !packet.ctNew) continue
      chains.push({table, chain})
    }
  }
  const order = (b: BaseChain) => stages.indexOf(b.chain.hook!) * 1e6 + (b.chain.priority ?? 0)
  return chains.sort((a, b) => order(a) - order(b))
}

function decide(verdict: Decision['verdict'], table: Table | null, outcome: Outcome | null): Decision {
  return {
    verdict,
    table: table ? `${table.family} ${table.name}` : null,
    chain: outcome?.chain ?? null,
    rule: outcome?.rule ?? null,
  }
}

function chainOutcomes(walk: Walk, chain: Chain): Outcome[] {
  return runChain(walk, chain, 0, 0).map((o) =>
    o.verdict === 'end' || o.verdict === 'return'
      ? {verdict: chain.policy ?? 'accept', chain: chain.name, rule: `policy ${chain.policy ?? 'accept'}`}
      : o,
  )
}

function deviceApplies(chain: Chain, packet: EvalPacket): boolean {
  if (!chain.device) return true
  const iif = packet.fields.iif
  return iif.kind === 'value' && iif.value === chain.device
}

/**
 * Evaluates one packet against the ruleset: every base chain on its path in order, jumps,
 * gotos, returns and policies. Anything undecidable yields `unknown`, never a guessed block.
 */
export function evaluatePacket(ruleset: Ruleset, packet: EvalPacket): Decision {
  let uncertain: Decision | null = null
  let accepted: Decision | null = null
  /** Block verdicts earlier undecided chains might have given. */
  const earlierBlocks = new Set<string>()
  for (const {table, chain} of baseChainsFor(ruleset, packet)) {
    const walk: Walk = {table, packet, steps: 0, firstUncertain: null}
    const outcomes = chainOutcomes(walk, chain)
    const blocked = outcomes.filter((o) => o.verdict === 'drop' || o.verdict === 'reject')
    const certainDevice = deviceApplies(chain, packet)
    if (blocked.length === outcomes.length && certainDevice) {
      // Blocked whatever the undecided matches were. If it could be a drop or a reject, say so.
      const kinds = new Set([...earlierBlocks, ...blocked.map((o) => o.verdict)])
      const decision = decide(blocked[0].verdict as 'drop' | 'reject', table, blocked[0])
      return kinds.size > 1 ? {...decision, verdict: 'drop', rule: `drop or reject: ${decision.rule}`} : decision
    }
    for (const o of blocked) earlierBlocks.add(o.verdict)
    if (outcomes.every((o) => o.verdict === 'accept')) {
      const byRule = outcomes.find((o) => !o.rule?.startsWith('policy')) ?? outcomes[0]
      const byPolicy = (d: Decision | null) => d?.rule?.startsWith('policy') ?? true
      if (byPolicy(accepted) && !byRule.rule?.startsWith('policy')) accepted = decide('accept', table, byRule)
      else accepted ??= decide('accept', table, byRule)
      continue
    }
    const unclear = outcomes.find((o) => o.verdict === 'unknown')
    uncertain ??= {...decide('unknown', table, unclear ?? null), rule: unclear?.rule ?? walk.firstUncertain}
  }
  if (uncertain) return uncertain
  return accepted ?? decide('accept', null, null)
}
