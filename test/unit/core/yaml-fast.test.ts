import fc from 'fast-check'
import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'

import {loadPlainYaml} from '../../../src/core/yaml-fast.js'
import {parseYaml, YAML_LIMITS} from '../../../src/core/yaml.js'

const yamlLib = createRequire(import.meta.url)('yaml') as typeof import('yaml')

/** What the full path (the yaml package) makes of the text, or 'error'. */
function reference(text: string): unknown {
  const doc = yamlLib.parseDocument(text, {uniqueKeys: true})
  return doc.errors.length > 0 ? 'error' : doc.toJS()
}

const scalarText = fc.oneof(
  fc.constantFrom('true', 'False', 'NULL', '~', '', '.inf', '-.Inf', '.nan', '0', '-12', '+7', '3.5', '1e3', '0o17'),
  fc.constantFrom('0x1F', '0b101', '1_000', "'quoted: x'", '"esc\\n"', 'yes', 'no', 'on', '2026-01-01', '12:30'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'a b', '- x', '[1, 2]', '{a: 1}', '"a#b"', 'x # c'),
  fc.stringMatching(/^[a-z0-9 .:_-]{0,12}$/),
)
const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'a', 'b', '1', 'true'), fc.stringMatching(/^[a-z]{1,6}$/))

/** Block mappings and sequences of generated scalars, up to a few levels deep. */
const document = fc.letrec<{node: string}>((tie) => ({
  node: fc.oneof(
    {depthSize: 'small'},
    scalarText.map((s) => ` ${s}`),
    fc
      .array(fc.tuple(key, tie('node')), {maxLength: 4})
      .map((pairs) => pairs.map(([k, v]) => `\n${k}:${v.replaceAll('\n', '\n  ')}`).join('')),
    fc.array(tie('node'), {maxLength: 4}).map((items) => items.map((v) => `\n-${v.replaceAll('\n', '\n  ')}`).join('')),
  ),
})).node

describe('loadPlainYaml (the js-yaml fast path)', () => {
  it('agrees with the yaml package on every generated document it takes', () => {
    fc.assert(
      fc.property(document, (text) => {
        const fast = loadPlainYaml(text, YAML_LIMITS)
        if (!fast) return
        // JSON text, not toStrictEqual: an own `constructor` key confuses the matcher's type check.
        expect(JSON.stringify(fast.data)).toBe(JSON.stringify(reference(text)))
      }),
      {numRuns: 2000},
    )
  })

  it('leaves anchors, aliases, tags and ambiguous numbers to the full path', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: 0x1F\n', 'a: 1_000\n', '%YAML 1.2\n---\na: 1\n']) {
      expect(loadPlainYaml(text, YAML_LIMITS)).toBeUndefined()
    }
    expect(loadPlainYaml('a: 1\nb: [x, y]\n', YAML_LIMITS)).toEqual({data: {a: 1, b: ['x', 'y']}})
  })

  it('hands over text deeper or wider than the limits, so the full path names file:line:column', () => {
    expect(loadPlainYaml('['.repeat(100_000), YAML_LIMITS)).toBeUndefined()
    expect(loadPlainYaml(`${'['.repeat(65)}${']'.repeat(65)}`, YAML_LIMITS)).toBeUndefined()
    expect(loadPlainYaml(`[${'1,'.repeat(20)}1]`, {depth: 64, entries: 10})).toBeUndefined()
    expect(() => parseYaml('['.repeat(100_000), 'deep.yaml')).toThrow(/^deep\.yaml:1:\d+: YAML nested deeper than 64/)
  })

  it('keeps __proto__ an ordinary key', () => {
    const {data} = parseYaml<Record<string, unknown>>('__proto__: {polluted: true}\nconstructor: 1\n', 'p.yaml')
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor'])
  })

  it('refuses duplicate keys through the full path, at their line', () => {
    expect(() => parseYaml('a: 1\nb: 2\na: 3\n', 'd.yaml')).toThrow('d.yaml:3:1: duplicate key "a"')
  })
})
