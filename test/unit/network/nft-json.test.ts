import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {LlmsecError} from '../../../src/core/errors.js'
import {evaluateConnection, evaluatePacket, parseNftJson, unmatchedPacket} from '../../../src/network/index.js'

const doc = (...items: unknown[]) => JSON.stringify({nftables: [{metainfo: {json_schema_version: 1}}, ...items]})
const table = (family = 'inet', name = 'filter') => ({table: {family, name, handle: 1}})
const chain = (name: string, extra: object = {}) => ({chain: {family: 'inet', table: 'filter', name, ...extra}})
const rule = (chainName: string, expr: unknown[], handle = 9) => ({
  rule: {family: 'inet', table: 'filter', chain: chainName, handle, expr},
})
const match = (left: unknown, right: unknown, op = '==') => ({match: {op, left, right}})
const dport = (proto = 'tcp') => ({payload: {protocol: proto, field: 'dport'}})
const base = {type: 'filter', hook: 'input', prio: 0, policy: 'drop'}

const inbound = (port: number, remote = '198.51.100.4', family: 4 | 6 = 4) => ({
  direction: 'in' as const,
  protocol: 'tcp' as const,
  family,
  remote,
  port,
})

describe('parseNftJson', () => {
  it('reads tables, chains, named sets, prefixes, ranges and verdicts', () => {
    const ruleset = parseNftJson(
      doc(
        table(),
        {
          set: {
            family: 'inet',
            table: 'filter',
            name: 'admins',
            type: 'ipv4_addr',
            flags: ['interval'],
            elem: [{prefix: {addr: '10.0.0.0', len: 8}}, {range: ['192.0.2.10', '192.0.2.20']}],
          },
        },
        chain('input', base),
        rule('input', [match({ct: {key: 'state'}}, ['established', 'related'], 'in'), {accept: null}]),
        rule('input', [
          match({payload: {protocol: 'ip', field: 'saddr'}}, '@admins'),
          match(dport(), 22),
          {accept: null},
        ]),
        rule('input', [
          match(dport(), {set: [80, {range: [8000, 8002]}]}),
          {counter: {packets: 0, bytes: 0}},
          {accept: null},
        ]),
      ),
    )
    const verdict = (port: number, remote?: string) => evaluateConnection(ruleset, inbound(port, remote)).verdict
    expect(verdict(22, '10.9.9.9')).toBe('accept')
    expect(verdict(22, '192.0.2.15')).toBe('accept')
    expect(verdict(22, '192.0.2.21')).toBe('drop')
    expect(verdict(8001)).toBe('accept')
    expect(verdict(8003)).toBe('drop')
    expect(evaluatePacket(ruleset, unmatchedPacket('in', 6)).verdict).toBe('drop')
  })

  it('treats xt expressions from iptables-nft as unknown matches and targets, with a note', () => {
    const ruleset = parseNftJson(
      doc(
        table('ip'),
        {chain: {family: 'ip', table: 'filter', name: 'INPUT', type: 'filter', hook: 'input', prio: 0, policy: 'drop'}},
        {
          rule: {
            family: 'ip',
            table: 'filter',
            chain: 'INPUT',
            handle: 3,
            expr: [{xt: {type: 'match', name: 'conntrack'}}, {accept: null}],
          },
        },
        {
          rule: {
            family: 'ip',
            table: 'filter',
            chain: 'INPUT',
            handle: 5,
            expr: [match(dport(), 8080), {xt: {type: 'target', name: 'REJECT'}}],
          },
        },
      ),
    )
    expect(evaluateConnection(ruleset, inbound(22)).verdict).toBe('unknown')
    expect(ruleset.notes).toHaveLength(2)
  })

  it('an undecidable accept before a policy drop is unknown; an undecidable drop before a policy drop is drop', () => {
    const mark = match({meta: {key: 'mark'}}, 1)
    const accepting = parseNftJson(doc(table(), chain('input', base), rule('input', [mark, {accept: null}])))
    expect(evaluateConnection(accepting, inbound(80)).verdict).toBe('unknown')
    const dropping = parseNftJson(doc(table(), chain('input', base), rule('input', [mark, {drop: null}])))
    expect(evaluateConnection(dropping, inbound(80)).verdict).toBe('drop')
  })

  it('follows jump, goto and return', () => {
    const ruleset = parseNftJson(
      doc(
        table(),
        chain('input', {...base, policy: 'accept'}),
        chain('a'),
        chain('b'),
        rule('input', [match(dport(), {range: [1, 1000]}), {jump: {target: 'a'}}]),
        rule('input', [{drop: null}]),
        rule('a', [match(dport(), 22), {return: null}]),
        rule('a', [match(dport(), 80), {goto: {target: 'b'}}]),
        rule('b', [{accept: null}]),
      ),
    )
    const verdict = (port: number) => evaluateConnection(ruleset, inbound(port)).request
    expect(verdict(22)).toMatchObject({verdict: 'drop', chain: 'input'})
    expect(verdict(80)).toMatchObject({verdict: 'accept', chain: 'b'})
    expect(verdict(2000).verdict).toBe('drop')
  })

  it('knows that ip saddr rules do not apply to IPv6 and that iif lo does not apply to other hosts', () => {
    const ruleset = parseNftJson(
      doc(
        table(),
        chain('input', base),
        rule('input', [match({meta: {key: 'iif'}}, 'lo'), {accept: null}]),
        rule('input', [
          match({payload: {protocol: 'ip', field: 'saddr'}}, {prefix: {addr: '0.0.0.0', len: 0}}),
          {accept: null},
        ]),
      ),
    )
    expect(evaluateConnection(ruleset, inbound(80)).verdict).toBe('accept')
    expect(evaluateConnection(ruleset, inbound(80, '2001:db8::1', 6)).verdict).toBe('drop')
  })

  it('rejects text that is not nft JSON with a clear error', () => {
    expect(() => parseNftJson('{')).toThrow(LlmsecError)
    expect(() => parseNftJson('{"tables": []}')).toThrow(/no "nftables" array/)
  })

  it('never crashes on arbitrary JSON inside the nftables array (fuzzed)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.jsonValue(),
            fc.constant(table()),
            fc.constant(chain('input', base)),
            fc.record({
              rule: fc.record({
                family: fc.constant('inet'),
                table: fc.constant('filter'),
                chain: fc.constant('input'),
                expr: fc.array(fc.jsonValue(), {maxLength: 5}),
              }),
            }),
          ),
          {maxLength: 20},
        ),
        (items) => {
          const ruleset = parseNftJson(JSON.stringify({nftables: items}))
          const verdict = evaluateConnection(ruleset, inbound(443)).verdict
          expect(['accept', 'drop', 'reject', 'unknown']).toContain(verdict)
        },
      ),
      {numRuns: 300},
    )
  })
})
