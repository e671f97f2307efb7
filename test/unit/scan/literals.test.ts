import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {decodeStringArg, decodeUnicodeArg, escapeDecode} from '../../../src/scan/pickle-strings.js'
import {parsePyLiteral, pyGet} from '../../../src/scan/py-literal.js'

describe('pickle text arguments decode as CPython decodes them', () => {
  it.each([
    ["'\\x6f\\x73'", 'os'],
    ["'sys\\164em'", 'system'],
    ['"a\\\'b"', "a'b"],
    ["'\\q'", '\\q'],
  ])('STRING %s is %s', (arg, expected) => expect(decodeStringArg(Buffer.from(arg, 'latin1'))).toBe(expected))

  it('refuses what the unpickler refuses: unquoted, mismatched quotes, a short \\x', () => {
    for (const arg of ['os', '\'os"', "'\\x6'"]) expect(decodeStringArg(Buffer.from(arg, 'latin1'))).toBeNull()
  })

  it('decodes raw-unicode-escape: \\u after an odd run of backslashes only', () => {
    expect(decodeUnicodeArg(Buffer.from('\\u006fs'))).toBe('os')
    expect(decodeUnicodeArg(Buffer.from('\\\\u006f'))).toBe('\\\\u006f')
    expect(decodeUnicodeArg(Buffer.from('\\\\\\u006f'))).toBe('\\\\o')
    expect(decodeUnicodeArg(Buffer.from('\\u12'))).toBeNull()
  })

  it('never throws and round-trips plain text (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 200}), (bytes) => {
        const buffer = Buffer.from(bytes)
        decodeStringArg(buffer)
        decodeUnicodeArg(buffer)
        escapeDecode(buffer.toString('latin1'))
      }),
      {numRuns: 2000},
    )
    fc.assert(
      fc.property(fc.string({unit: fc.constantFrom('a', 'b', 'z', '.', '_')}), (text) => {
        expect(decodeUnicodeArg(Buffer.from(text))).toBe(text)
      }),
    )
  })
})

describe('Python literals as ast.literal_eval reads an .npy header', () => {
  it('keeps the last duplicate key, takes either quote and Python 2 longs are filtered before', () => {
    const parsed = parsePyLiteral("{'descr': '<f4', \"shape\": (2, 3), 'descr': [('a', '|O')], 'fortran_order': False}")
    expect(typeof parsed).not.toBe('string')
    if (typeof parsed === 'string') return
    expect(pyGet(parsed, 'descr')).toEqual({
      k: 'list',
      items: [
        {
          k: 'tuple',
          items: [
            {k: 'str', s: 'a'},
            {k: 'str', s: '|O'},
          ],
        },
      ],
    })
    expect(pyGet(parsed, 'shape')).toEqual({
      k: 'tuple',
      items: [
        {k: 'int', n: 2n},
        {k: 'int', n: 3n},
      ],
    })
    expect(parsePyLiteral('(1)')).toEqual({k: 'int', n: 1n})
    expect(parsePyLiteral('(1,)')).toEqual({k: 'tuple', items: [{k: 'int', n: 1n}]})
  })

  it('refuses what is not a literal (a call, a name)', () => {
    expect(typeof parsePyLiteral("{'shape': (__import__('os'),)}")).toBe('string')
    expect(typeof parsePyLiteral('{1: 2} extra')).toBe('string')
  })

  it('never throws, and stays linear on deep or long input (property)', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 300}), (text) => void parsePyLiteral(text)),
      {numRuns: 3000},
    )
    const started = performance.now()
    expect(typeof parsePyLiteral('['.repeat(100_000))).toBe('string')
    expect(typeof parsePyLiteral(`'${'a'.repeat(1_000_000)}'`)).toBe('object')
    expect(performance.now() - started).toBeLessThan(3000)
  })
})
