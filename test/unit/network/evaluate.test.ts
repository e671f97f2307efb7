import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {evaluatePacket, parsePacketSpec, requestPacket} from '../../../src/network/index.js'
import {parseNetwork} from '../../../src/network/ip.js'
import type {Action, Chain, Condition, MatchValue, Rule, Ruleset} from '../../../src/network/index.js'

const ports = fc.integer({min: 1, max: 40})
const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    field: fc.constant('dport' as const),
    negate: fc.boolean(),
    values: fc.array(
      ports.chain((low) => fc.integer({min: low, max: 40}).map((high) => ({kind: 'num' as const, low, high}))),
      {minLength: 1, maxLength: 3},
    ),
  }),
  fc.record({
    field: fc.constant('saddr' as const),
    negate: fc.boolean(),
    values: fc
      .constantFrom('10.0.0.0/8', '10.1.0.0/16', '192.0.2.0/24')
      .map((n) => [{kind: 'addr' as const, range: parseNetwork(n)!}]),
  }),
  fc.record({
    field: fc.constant('ctstate' as const),
    negate: fc.boolean(),
    values: fc.constantFrom('new', 'established').map((text): MatchValue[] => [{kind: 'str', text}]),
  }),
)
const action = (chains: string[]): fc.Arbitrary<Action | null> =>
  fc.oneof(
    fc.constantFrom<Action | null>({kind: 'accept'}, {kind: 'drop'}, {kind: 'reject'}, {kind: 'return'}, null),
    fc.record({kind: fc.constantFrom('jump' as const, 'goto' as const), target: fc.constantFrom(...chains)}),
  )
const rules = (chains: string[]) =>
  fc.array(
    fc.record({
      id: fc.constant('1'),
      text: fc.string({maxLength: 5}),
      conditions: fc.array(condition, {maxLength: 3}),
      action: action(chains),
    }),
    {maxLength: 6},
  )

/** A random ruleset: one base input chain and two regular chains it may jump to (no loops: b never jumps). */
const rulesetArb: fc.Arbitrary<Ruleset> = fc
  .record({
    input: rules(['a', 'b']),
    a: rules(['b']),
    b: rules(['b']).map((r) => r.filter((x) => x.action?.kind !== 'jump' && x.action?.kind !== 'goto')),
    policy: fc.constantFrom('accept' as const, 'drop' as const),
  })
  .map(({input, a, b, policy}) => ({
    notes: [],
    tables: [
      {
        family: 'inet',
        name: 't',
        source: 'nftables',
        chains: new Map<string, Chain>([
          ['input', {name: 'input', hook: 'input', type: 'filter', priority: 0, policy, rules: input}],
          ['a', {name: 'a', rules: a}],
          ['b', {name: 'b', rules: b}],
        ]),
      },
    ],
  }))

/** The blurred verdict must be the exact one or unknown; "drop or reject" may stand for either block. */
function expectConsistent(exact: {verdict: string}, blurred: {verdict: string; rule: string | null}): void {
  if (blurred.verdict === 'unknown' || blurred.verdict === exact.verdict) return
  expect(exact.verdict).toMatch(/^(drop|reject)$/)
  expect(blurred.rule).toMatch(/^drop or reject: /)
}

/** Replaces some conditions by unknown ones, as a parser does with what it cannot read. */
function blur(ruleset: Ruleset, mask: boolean[]): Ruleset {
  let i = 0
  const blurRule = (rule: Rule): Rule => ({
    ...rule,
    conditions: rule.conditions.map((c) => (mask[i++ % mask.length] ? {field: 'unknown', what: 'x'} : c)),
  })
  const table = ruleset.tables[0]
  const chains = new Map(
    [...table.chains].map(([name, chain]) => [name, {...chain, rules: chain.rules.map(blurRule)}] as const),
  )
  return {...ruleset, tables: [{...table, chains}]}
}

const packetArb = fc.record({
  port: ports,
  remote: fc.constantFrom('10.1.2.3', '10.200.0.1', '192.0.2.9', '198.51.100.1'),
})

describe('evaluatePacket', () => {
  it('an unknown condition never turns a verdict into a different decided one (fuzzed)', () => {
    fc.assert(
      fc.property(rulesetArb, packetArb, fc.array(fc.boolean(), {minLength: 1, maxLength: 7}), (ruleset, p, mask) => {
        const packet = requestPacket({direction: 'in', protocol: 'tcp', family: 4, remote: p.remote, port: p.port})
        expectConsistent(evaluatePacket(ruleset, packet), evaluatePacket(blur(ruleset, mask), packet))
      }),
      {numRuns: 1500},
    )
  })

  it('an unknown packet field never turns a verdict into a different decided one (fuzzed)', () => {
    fc.assert(
      fc.property(rulesetArb, packetArb, (ruleset, p) => {
        const exact = evaluatePacket(
          ruleset,
          requestPacket({direction: 'in', protocol: 'tcp', family: 4, remote: p.remote, port: p.port}),
        )
        expectConsistent(
          exact,
          evaluatePacket(ruleset, requestPacket({direction: 'in', protocol: 'tcp', family: 4, remote: p.remote})),
        )
        expectConsistent(
          exact,
          evaluatePacket(ruleset, requestPacket({direction: 'in', protocol: 'tcp', family: 4, port: p.port})),
        )
      }),
      {numRuns: 1500},
    )
  })

  it('stops on jump loops with unknown rather than hanging', () => {
    const loop: Rule = {id: '1', text: 'jump a', conditions: [], action: {kind: 'jump', target: 'a'}}
    const ruleset: Ruleset = {
      notes: [],
      tables: [
        {
          family: 'ip',
          name: 't',
          source: 'nftables',
          chains: new Map<string, Chain>([
            ['input', {name: 'input', hook: 'input', priority: 0, rules: [loop]}],
            ['a', {name: 'a', rules: [loop]}],
          ]),
        },
      ],
    }
    expect(evaluatePacket(ruleset, requestPacket(parsePacketSpec('in:tcp:192.0.2.1:80'))).verdict).toBe('unknown')
  })
})

describe('parsePacketSpec', () => {
  it('reads direction, protocol, address and port, IPv6 in brackets', () => {
    expect(parsePacketSpec('out:tcp:203.0.113.5:443')).toEqual({
      direction: 'out',
      protocol: 'tcp',
      family: 4,
      remote: '203.0.113.5',
      port: 443,
    })
    expect(parsePacketSpec('IN:udp:[2001:db8::1]:53')).toMatchObject({
      direction: 'in',
      protocol: 'udp',
      family: 6,
      remote: '2001:db8::1',
    })
  })

  it.each([
    'out:tcp:203.0.113.5',
    'sideways:tcp:1.2.3.4:1',
    'out:icmp:1.2.3.4:1',
    'out:tcp:example.com:443',
    'out:tcp:1.2.3.4:70000',
    'out:tcp:2001:db8::1:443',
  ])('refuses %s with a usage error', (text) => {
    expect(() => parsePacketSpec(text)).toThrow(/Cannot read packet/)
  })
})
