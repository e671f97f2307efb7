import fc from 'fast-check'
import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'

import {loadPlainYaml} from '../../../src/core/yaml-fast.js'
import {LlmsecError} from '../../../src/core/errors.js'
import {parseFully, parseYaml, YAML_LIMITS} from '../../../src/core/yaml.js'

const yamlLib = createRequire(import.meta.url)('yaml') as typeof import('yaml')

/** What the full path (the yaml package) makes of the text, or 'error'. */
function reference(text: string): unknown {
  const doc = yamlLib.parseDocument(text, {uniqueKeys: true})
  return doc.errors.length > 0 ? 'error' : doc.toJS()
}

/** JSON text of the data a loader gives, or the exit code of the LlmsecError it throws (anything else is a bug and rethrown). */
function outcome(load: (text: string, file: string) => {data: unknown}, text: string): string {
  try {
    return `data ${JSON.stringify(load(text, 'f.yaml').data)}`
  } catch (error) {
    if (error instanceof LlmsecError) return `exit ${error.exit}`
    throw error
  }
}

/** parseYaml (fast path when it takes the text) ends the same way as the full path alone. */
function expectSameAsFullPath(text: string): void {
  expect(outcome(parseYaml, text)).toBe(outcome(parseFully, text))
}

const LONG_KEY = 'k'.repeat(1025)

const scalarText = fc.oneof(
  fc.constantFrom('true', 'False', 'NULL', '~', '', '.inf', '-.Inf', '.nan', '0', '-12', '+7', '3.5', '1e3', '0o17'),
  fc.constantFrom('0x1F', '0b101', '1_000', "'quoted: x'", '"esc\\n"', 'yes', 'no', 'on', '2026-01-01', '12:30'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'a b', '- x', '[1, 2]', '{a: 1}', '"a#b"', 'x # c'),
  fc.stringMatching(/^[a-z0-9 .:_-]{0,12}$/),
)
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'a', 'b', '1', 'true'),
  fc.stringMatching(/^[a-z]{1,6}$/),
  // Keys js-yaml builds differently from the yaml package, or takes where the yaml package refuses:
  // null keys, complex (collection) keys, explicit keys, and keys over 1024 characters.
  fc.constantFrom(
    '~',
    'null',
    'Null',
    'NULL',
    '"null"',
    "''",
    '[a, b]',
    '{a: 1}',
    '[]',
    '{}',
    '? x',
    '? [a]',
    LONG_KEY,
  ),
)

/** Line breaks, including a lone carriage return (a break to js-yaml, refused by the yaml package). */
const lineBreak = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r')

/** Block mappings and sequences of generated scalars, up to a few levels deep. */
const document = fc.letrec<{node: string}>((tie) => ({
  node: fc.oneof(
    {depthSize: 'small'},
    scalarText.map((s) => ` ${s}`),
    fc
      .array(fc.tuple(key, tie('node')), {maxLength: 4})
      .map((pairs) => pairs.map(([k, v]) => `\n${k}:${v.replaceAll('\n', '\n  ')}`).join('')),
    fc.array(tie('node'), {maxLength: 4}).map((items) => items.map((v) => `\n-${v.replaceAll('\n', '\n  ')}`).join('')),
    // Flow mappings with any of the keys above, with and without values: `{[a], ~: 1}`.
    fc
      .array(fc.tuple(key, fc.option(scalarText)), {maxLength: 3})
      .map((pairs) => ` {${pairs.map(([k, v]) => (v === null ? k : `${k}: ${v}`)).join(', ')}}`),
  ),
})).node

describe('loadPlainYaml (the js-yaml fast path)', () => {
  it('agrees with the yaml package on every generated document it takes', () => {
    fc.assert(
      fc.property(document, lineBreak, (generated, newline) => {
        const text = generated.replaceAll('\n', newline)
        const fast = loadPlainYaml(text, YAML_LIMITS)
        // parseYaml ends as the full path does: the same data, or an exit-2 refusal by both.
        expectSameAsFullPath(text)
        if (!fast) return
        // JSON text, not toStrictEqual: an own `constructor` key confuses the matcher's type check.
        expect(JSON.stringify(fast.data)).toBe(JSON.stringify(reference(text)))
      }),
      {numRuns: 2000},
    )
  })

  it('leaves null keys to the full path (js-yaml names them "null", the yaml package "")', () => {
    for (const text of [
      '~: 1\n',
      'null: 1\n',
      'Null: 1\n',
      'NULL: 1\n',
      '{: 1}\n',
      '{a, ~}\n',
      '[~: 1]\n',
      'a:\n  null: 1\n',
    ]) {
      expect(loadPlainYaml(text, YAML_LIMITS), text).toBeUndefined()
      expectSameAsFullPath(text)
    }
    expect(parseYaml('~: 1\n', 'n.yaml').data).toEqual({'': 1})
    // The benign twin: a string key spelled like the null key loads as itself.
    expect(parseYaml('"null": 1\nnullable: 2\n', 'n.yaml').data).toEqual({null: 1, nullable: 2})
  })

  it('leaves complex keys to the full path (js-yaml spells them "a,b" and "[object Object]")', () => {
    const texts = [
      '? [a, b]\n: 1\n',
      '? {a: 1}\n',
      '? a\n: 1\n',
      '[a, b]: 1\n',
      '{a: 1}: 2\n',
      '{[a]: 1}\n',
      '{[a]}\n',
      '{x: 1, {b: 2}}\n',
    ]
    for (const text of texts) {
      expect(loadPlainYaml(text, YAML_LIMITS), text).toBeUndefined()
      expectSameAsFullPath(text)
    }
    expect(Object.keys(parseYaml<object>('[a, b]: 1\n', 'c.yaml').data)).toEqual(['[ a, b ]'])
    // The benign twin: flow collections as values still take the fast path.
    expect(loadPlainYaml('a: [1, 2]\nb: {c: [d]}\n', YAML_LIMITS)).toEqual({data: {a: [1, 2], b: {c: ['d']}}})
  })

  it('leaves a lone carriage return to the full path, which refuses it with exit 2', () => {
    for (const text of ['a: 1\rb: 2\n', 'a: 1\r', 'a:\r  - x\r']) {
      expect(loadPlainYaml(text, YAML_LIMITS), JSON.stringify(text)).toBeUndefined()
      expectSameAsFullPath(text)
    }
    expect(outcome(parseYaml, 'a: 1\rb: 2\n')).toBe('exit 2')
    // The benign twin: CRLF line ends take the fast path.
    expect(loadPlainYaml('a: 1\r\nb: 2\r\n', YAML_LIMITS)).toEqual({data: {a: 1, b: 2}})
  })

  it('leaves keys over 1024 characters to the full path, which refuses them with exit 2', () => {
    for (const text of [`${LONG_KEY}: 1\n`, `"${LONG_KEY}": 1\n`, `a:\n  ${LONG_KEY}: 1\n`, `{${LONG_KEY}: 1}\n`]) {
      expect(loadPlainYaml(text, YAML_LIMITS)).toBeUndefined()
      expectSameAsFullPath(text)
    }
    expect(outcome(parseYaml, `${LONG_KEY}: 1\n`)).toBe('exit 2')
    // The benign twin: a 1024-character key is loaded by both.
    const longest = 'k'.repeat(1020)
    expect(parseYaml<object>(`${longest}: 1\n`, 'k.yaml').data).toEqual({[longest]: 1})
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
