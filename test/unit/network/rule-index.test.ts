import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {evaluateConnection, evaluatePacket, parseIptablesSave, requestPacket} from '../../../src/network/index.js'
import {parseNetwork} from '../../../src/network/ip.js'
import type {Action, Chain, Condition, MatchValue, Rule, Ruleset} from '../../../src/network/index.js'
import {kubeProxyIptablesSave} from '../../helpers/kube-proxy-layout.js'

const port = fc.integer({min: 1, max: 40})
const addr = (text: string): MatchValue => ({kind: 'addr', range: parseNetwork(text)!})
const exactOrRange = port.chain((low) =>
  fc.oneof(
    fc.constant({kind: 'num' as const, low, high: low}),
    fc.integer({min: low, max: 40}).map((high) => ({kind: 'num' as const, low, high})),
  ),
)
const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    field: fc.constant('dport' as const),
    negate: fc.boolean(),
    values: fc.array(exactOrRange, {minLength: 1, maxLength: 2}),
  }),
  fc.record({
    field: fc.constant('daddr' as const),
    negate: fc.boolean(),
    values: fc.constantFrom('10.96.0.1', '10.96.0.2', '10.96.0.0/24', 'fd00::1').map((a) => [addr(a)]),
  }),
  fc.record({
    field: fc.constant('saddr' as const),
    negate: fc.boolean(),
    values: fc.constantFrom('10.1.2.3', '10.0.0.0/8', '192.0.2.0/24').map((a) => [addr(a)]),
  }),
  fc.record({
    field: fc.constant('iif' as const),
    negate: fc.boolean(),
    values: fc.constantFrom('eth0', 'eth*', 'lo').map((text): MatchValue[] => [{kind: 'str', text}]),
  }),
  fc.constant<Condition>({field: 'unknown', what: 'x'}),
)
const verdict = fc.constantFrom<Action>({kind: 'accept'}, {kind: 'drop'}, {kind: 'reject'}, {kind: 'jump', target: 'b'})
const vmap: fc.Arbitrary<Action> = fc
  .array(fc.record({values: fc.array(exactOrRange, {minLength: 1, maxLength: 2}), action: verdict}), {
    minLength: 1,
    maxLength: 40,
  })
  .map((entries) => ({kind: 'vmap', field: 'dport', entries}))
const rule = (actions: fc.Arbitrary<Action | null>): fc.Arbitrary<Rule> =>
  fc.record({
    id: fc.constant('1'),
    text: fc.string({maxLength: 4}),
    conditions: fc.array(condition, {maxLength: 3}),
    action: actions,
  })

/** Rules of a base chain: no return or goto, whose meaning depends on the chain they are in. */
const longChain = fc.array(rule(fc.oneof(verdict, vmap, fc.constant(null))), {minLength: 32, maxLength: 90})
const small = fc.array(rule(fc.constantFrom<Action | null>({kind: 'accept'}, {kind: 'drop'}, {kind: 'return'}, null)), {
  maxLength: 4,
})

function table(chains: Chain[]): Ruleset {
  return {
    notes: [],
    tables: [{family: 'inet', name: 't', source: 'nftables', chains: new Map(chains.map((c) => [c.name, c]))}],
  }
}

/** The same rules in one indexed chain, and cut into jumped segments too short to be indexed. */
function twoWays(rules: Rule[], b: Rule[], policy: 'accept' | 'drop'): [Ruleset, Ruleset] {
  const base = {name: 'input', hook: 'input' as const, type: 'filter' as const, priority: 0, policy}
  const segments: Chain[] = []
  for (let i = 0; i < rules.length; i += 16) segments.push({name: `s${i}`, rules: rules.slice(i, i + 16)})
  const jumps = segments.map((s): Rule => ({
    id: s.name,
    text: s.name,
    conditions: [],
    action: {kind: 'jump', target: s.name},
  }))
  return [
    table([
      {...base, rules},
      {name: 'b', rules: b},
    ]),
    table([{...base, rules: jumps}, ...segments, {name: 'b', rules: b}]),
  ]
}

const packet = fc.record({
  port: fc.option(port, {nil: undefined}),
  remote: fc.constantFrom('10.1.2.3', '192.0.2.9', undefined),
  local: fc.constantFrom('10.96.0.1', '10.96.0.7', 'fd00::1', undefined),
  iif: fc.constantFrom('eth0', 'eth1', 'lo', undefined),
})

describe('rule indexes', () => {
  it('an indexed chain decides every packet as the same rules scanned one by one (fuzzed)', () => {
    fc.assert(
      fc.property(
        longChain,
        small,
        fc.constantFrom('accept' as const, 'drop' as const),
        packet,
        (rules, b, policy, p) => {
          const [indexed, scanned] = twoWays(rules, b, policy)
          const family = p.local?.includes(':') ? 6 : 4
          const remote = family === 6 ? undefined : p.remote
          const spec = {
            direction: 'in',
            protocol: 'tcp',
            family,
            remote,
            local: p.local,
            port: p.port,
            iif: p.iif,
          } as const
          const one = evaluatePacket(indexed, requestPacket(spec))
          const other = evaluatePacket(scanned, requestPacket(spec))
          expect([one.verdict, one.rule]).toEqual([other.verdict, other.rule])
        },
      ),
      {numRuns: 500},
    )
  })

  it('kube-proxy scale: 8,000 services, a listener on a service port and 30,000 returning jumps need no deep recursion', () => {
    const text = kubeProxyIptablesSave({services: 8000, nodePorts: [[7, 31434]], targetPort: 11434})
    const ruleset: Ruleset = {...parseIptablesSave(text, 'ip', 'iptables-nft'), notes: []}
    // Every cluster IP might be this host's address: too many translations, undecided, never a crash.
    const wildcard = evaluateConnection(ruleset, {
      direction: 'in',
      protocol: 'tcp',
      family: 4,
      remote: '192.0.2.9',
      port: 80,
    })
    expect(wildcard.verdict).toBe('unknown')
    const vip = evaluateConnection(ruleset, {
      direction: 'in',
      protocol: 'tcp',
      family: 4,
      remote: '192.0.2.9',
      local: '10.96.0.7',
      port: 80,
    })
    expect(vip.request.verdict).not.toBe('drop')
    const returning: Rule = {id: '1', text: 'jump b', conditions: [], action: {kind: 'jump', target: 'b'}}
    const maybeReturn: Rule = {
      id: '2',
      text: 'maybe',
      conditions: [{field: 'unknown', what: 'x'}],
      action: {kind: 'return'},
    }
    const hostile = table([
      {name: 'input', hook: 'input', type: 'filter', priority: 0, policy: 'drop', rules: Array(30_000).fill(returning)},
      {
        name: 'b',
        rules: [maybeReturn, {...returning, action: {kind: 'drop'}, conditions: [{field: 'unknown', what: 'y'}]}],
      },
    ])
    const decided = evaluatePacket(hostile, requestPacket({direction: 'in', protocol: 'tcp', family: 4, port: 1}))
    expect(['drop', 'unknown']).toContain(decided.verdict)
  })
})
