import {describe, expect, it} from 'vitest'

import {LlmsecError} from '../../../src/core/errors.js'
import {locate, parseYaml, YAML_LIMITS} from '../../../src/core/yaml.js'

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: {type: 'string'},
    list: {type: 'array', items: {type: 'object', properties: {n: {type: 'integer'}}}},
  },
}

function errorOf(fn: () => unknown): LlmsecError {
  try {
    fn()
  } catch (error) {
    if (error instanceof LlmsecError) return error
    throw error
  }
  throw new Error('no error thrown')
}

describe('parseYaml', () => {
  it('parses valid YAML', () => {
    expect(parseYaml('name: x\nlist:\n  - n: 1\n', 'f.yaml', schema).data).toEqual({name: 'x', list: [{n: 1}]})
  })

  it('names file:line:column of a syntax error', () => {
    const error = errorOf(() => parseYaml('name: x\nlist: [1,\n', 'f.yaml', schema))
    expect(error.message).toMatch(/^f\.yaml:\d+:\d+: YAML syntax error/)
    expect(error.exit).toBe(2)
  })

  it('names the line and key of an unknown key', () => {
    const error = errorOf(() => parseYaml('name: x\nnmae: y\n', 'f.yaml', schema))
    expect(error.message).toBe('f.yaml:2:1: nmae: unknown key')
  })

  it('names the line of a wrong type deep in a list', () => {
    const error = errorOf(() => parseYaml('list:\n  - n: 1\n  - n: two\n', 'f.yaml', schema))
    expect(error.message).toBe('f.yaml:3:8: list.1.n: must be integer')
  })

  it('rejects duplicate keys', () => {
    expect(errorOf(() => parseYaml('name: a\nname: b\n', 'f.yaml')).message).toMatch(
      /f\.yaml:2:1: .*[Uu]nique|f\.yaml:2:1/,
    )
  })
})

describe('parseYaml hostile input', () => {
  it('turns an unresolved alias into an input error, not a crash', () => {
    const error = errorOf(() => parseYaml('a: *nowhere\n', 'f.yaml'))
    expect(error.exit).toBe(2)
    expect(error.message).toMatch(/^f\.yaml/)
  })

  it('refuses an alias bomb', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n')
    expect(errorOf(() => parseYaml(bomb, 'f.yaml')).exit).toBe(2)
  })
})

describe('parseYaml limits', () => {
  const deep = {
    'flow sequences': '['.repeat(100_000) + ']'.repeat(100_000),
    'flow mappings': '{a: '.repeat(100_000) + '1' + '}'.repeat(100_000),
    'compact block sequences': '- '.repeat(100_000) + 'x\n',
    'block mappings': Array.from({length: 1000}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n',
  }

  for (const [name, text] of Object.entries(deep)) {
    it(`refuses ${name} nested deeper than ${YAML_LIMITS.depth} levels, naming file:line:column`, () => {
      const error = errorOf(() => parseYaml(text, 'deep.yaml'))
      expect(error.exit).toBe(2)
      expect(error.message).toMatch(new RegExp(`^deep\\.yaml:\\d+:\\d+: YAML nested deeper than ${YAML_LIMITS.depth}`))
    })
  }

  it('reads nesting up to the limit', () => {
    const text = '['.repeat(YAML_LIMITS.depth) + '1' + ']'.repeat(YAML_LIMITS.depth)
    expect(() => parseYaml(text, 'ok.yaml')).not.toThrow()
  })

  it('refuses data nested too deeply through aliases', () => {
    const lines = ['a0: &a0 ' + '['.repeat(60) + '1' + ']'.repeat(60)]
    for (let i = 1; i < 3; i++) lines.push(`a${i}: &a${i} ${'['.repeat(60)}*a${i - 1}${']'.repeat(60)}`)
    expect(errorOf(() => parseYaml(lines.join('\n'), 'f.yaml')).message).toMatch(/^f\.yaml: YAML nested deeper/)
  })

  it('refuses a collection with more entries than the limit, where it starts', () => {
    const text = `name: x\nlist: [${'1,'.repeat(YAML_LIMITS.entries)}1]\n`
    expect(errorOf(() => parseYaml(text, 'big.yaml')).message).toBe(
      `big.yaml:2:7: YAML collection has more than ${YAML_LIMITS.entries} entries`,
    )
  })

  it('finds a duplicate among 100,000 keys, at its line', () => {
    const keys = Array.from({length: 100_000}, (_, i) => `k${i}: ${i}`)
    keys.push('k5: again')
    expect(errorOf(() => parseYaml(keys.join('\n'), 'keys.yaml')).message).toBe(
      'keys.yaml:100001:1: duplicate key "k5"',
    )
    expect(Object.keys(parseYaml<object>(keys.slice(0, -1).join('\n'), 'keys.yaml').data)).toHaveLength(100_000)
  })

  it('locates keys of a 100,000-key mapping in linear time (rulesets locate each override by key)', () => {
    const keys = Array.from({length: 100_000}, (_, i) => `k${i}: ${i}`)
    const loaded = parseYaml<object>(keys.join('\n'), 'keys.yaml')
    // A scan per lookup would compare 20,000 × 50,000 keys (minutes); the index makes it milliseconds.
    const started = performance.now()
    const wrong: number[] = []
    for (let i = 0; i < 100_000; i += 5) if (locate(loaded, `/k${i}`, true).line !== i + 1) wrong.push(i)
    expect(wrong).toEqual([])
    expect(performance.now() - started).toBeLessThan(10_000)
  })

  it('keeps __proto__, constructor and toString ordinary keys', () => {
    const {data} = parseYaml<Record<string, unknown>>('__proto__: 1\nconstructor: 2\ntoString: 3\n', 'f.yaml')
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype)
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor', 'toString'])
  })

  it('refuses a second document', () => {
    expect(errorOf(() => parseYaml('a: 1\n---\nb: 2\n', 'f.yaml')).message).toMatch(/^f\.yaml:2:1: .*one document/)
  })
})
