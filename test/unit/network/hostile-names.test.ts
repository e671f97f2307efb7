import {describe, expect, it} from 'vitest'

import {evaluateConnection, parseIptablesSave, parseNftJson, type Ruleset} from '../../../src/network/index.js'

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']

const inbound = (port: number) => ({direction: 'in' as const, protocol: 'tcp' as const, family: 4 as const, port})
const verdictOf = (ruleset: Ruleset, port: number) => evaluateConnection(ruleset, inbound(port)).request.verdict

describe('chain and set names that are Object.prototype properties', () => {
  for (const name of NAMES) {
    it(`iptables-save: a chain named ${name} is an ordinary chain`, () => {
      const ruleset = parseIptablesSave(
        `*filter\n:INPUT DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:${name} - [0:0]\n` +
          `-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT\n-A INPUT -p tcp -j ${name}\n` +
          `-A ${name} -p tcp -m tcp --dport 22 -j ACCEPT\n-A ${name} -j RETURN\nCOMMIT\n`,
        'ip',
        'iptables-legacy',
      )
      expect(ruleset.tables[0].chains.get(name)?.rules).toHaveLength(2)
      expect(verdictOf(ruleset, 22)).toBe('accept')
      expect(verdictOf(ruleset, 80)).toBe('drop')
    })

    it(`iptables-save: a jump to an undeclared ${name} is unknown, with a note`, () => {
      const ruleset = parseIptablesSave(
        `*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -j ${name}\n-A INPUT -p tcp -g ${name}\nCOMMIT\n`,
        'ip',
        'iptables-legacy',
      )
      expect(verdictOf(ruleset, 80)).toBe('unknown')
      expect(ruleset.notes.join('\n')).toContain(`-j ${name}`)
    })

    it(`iptables-save: rules appended to an undeclared ${name} and a table of that name`, () => {
      const text = `*${name}\n:INPUT DROP [0:0]\n-A ${name} -j ACCEPT\nCOMMIT\n*filter\n-A ${name} -j DROP\nCOMMIT\n`
      const ruleset = parseIptablesSave(text, 'ip', 'iptables-legacy')
      expect(ruleset.notes.filter((n) => n.includes(`undeclared chain ${name}`))).toHaveLength(2)
      expect(ruleset.tables.map((t) => t.name)).toEqual([name, 'filter'])
    })

    it(`nft JSON: chains, sets and jumps named ${name}`, () => {
      const json = JSON.stringify({
        nftables: [
          {table: {family: 'inet', name}},
          {set: {family: 'inet', table: name, name, type: 'inet_service', elem: [22]}},
          {chain: {family: 'inet', table: name, name: 'input', type: 'filter', hook: 'input', prio: 0, policy: 'drop'}},
          {chain: {family: 'inet', table: name, name}},
          {rule: {family: 'inet', table: name, chain: 'input', handle: 2, expr: [{jump: {target: name}}]}},
          {rule: {family: 'inet', table: name, chain: 'input', handle: 3, expr: [{jump: {target: 'x' + name}}]}},
          {
            rule: {
              family: 'inet',
              table: name,
              chain: name,
              handle: 4,
              expr: [
                {match: {op: '==', left: {payload: {protocol: 'tcp', field: 'dport'}}, right: `@${name}`}},
                {accept: null},
              ],
            },
          },
          {rule: {family: 'inet', table: name, chain: 'x' + name, handle: 5, expr: [{accept: null}]}},
        ],
      })
      const ruleset = parseNftJson(json)
      expect(verdictOf(ruleset, 22)).toBe('accept')
      // Port 80 falls through to the jump to an undeclared chain: unknown, never a guessed drop.
      expect(verdictOf(ruleset, 80)).toBe('unknown')
      expect(ruleset.notes.some((n) => n.includes(`chain x${name}, which is not declared`))).toBe(true)
      expect(ruleset.notes.some((n) => n.includes('names an undeclared chain'))).toBe(true)
    })
  }

  it('nft JSON: values whose toString is not a function never throw', () => {
    const hostile = {toString: 1, valueOf: 2}
    const json = JSON.stringify({
      nftables: [
        {table: {family: 'inet', name: 'f'}},
        {table: {family: hostile, name: hostile}},
        {chain: {family: 'inet', table: 'f', name: hostile, hook: 'input'}},
        {chain: {family: 'inet', table: 'f', name: 'input', type: 'filter', hook: 'input', prio: 0, policy: 'drop'}},
        {
          rule: {
            family: 'inet',
            table: 'f',
            chain: 'input',
            handle: hostile,
            comment: hostile,
            expr: [
              {match: {op: hostile, left: {meta: {key: 'constructor'}}, right: hostile}},
              {
                match: {
                  op: '==',
                  left: {payload: {protocol: hostile, field: 'dport'}},
                  right: {prefix: {addr: hostile}},
                },
              },
              {xt: {type: 'target', name: hostile}},
              {jump: {target: hostile}},
              {dnat: {addr: hostile, port: hostile}},
            ],
          },
        },
      ],
    })
    const ruleset = parseNftJson(json)
    expect(verdictOf(ruleset, 80)).toBe('unknown')
  })

  it('nft JSON: values nested a hundred thousand deep are described, not recursed into', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const json = JSON.stringify({
      nftables: [
        {table: {family: 'inet', name: 'f'}},
        {chain: {family: 'inet', table: 'f', name: 'input', type: 'filter', hook: 'input', prio: 0, policy: 'drop'}},
        {
          rule: {
            family: 'inet',
            table: 'f',
            chain: 'input',
            handle: 1,
            expr: [{match: {op: '==', left: 'L', right: 'R'}}],
          },
        },
      ],
    })
      .replace('"L"', deep)
      .replace('"R"', deep)
    expect(() => parseNftJson(json)).not.toThrow()
  })
})
