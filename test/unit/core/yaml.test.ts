import {describe, expect, it} from 'vitest'

import {LlmsecError} from '../../../src/core/errors.js'
import {parseYaml} from '../../../src/core/yaml.js'

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
