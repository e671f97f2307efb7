import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {checkSafetensors} from '../../../src/scan/safetensors.js'
import {bufferSource} from '../../../src/scan/source.js'
import {JsonSyntaxError, parseStrictJson, type JsonValue} from '../../../src/scan/strict-json.js'
import {buildSafetensors} from '../../helpers/model-builders.js'

const check = (file: Buffer) => checkSafetensors(bufferSource(file), null).map((f) => f.code)
const tensor = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
})

describe('checkSafetensors', () => {
  it('accepts a valid file with metadata', () => {
    const header = {__metadata__: {format: 'pt'}, a: tensor('F32', [2, 2], 0, 16), b: tensor('BF16', [3], 16, 22)}
    expect(check(buildSafetensors(header, Buffer.alloc(22)))).toEqual([])
  })

  it.each([
    ['SAFETENSORS_TRUNCATED', Buffer.from([1, 2, 3])],
    ['SAFETENSORS_HEADER_TOO_LARGE', buildSafetensors({}, Buffer.alloc(0), 200_000_000n)],
    ['SAFETENSORS_HEADER_OUT_OF_BOUNDS', buildSafetensors({}, Buffer.alloc(0), 4096n)],
    ['SAFETENSORS_HEADER_TOO_LARGE', buildSafetensors({}, Buffer.alloc(0), 0xffffffffffffffffn)],
    [
      'SAFETENSORS_HEADER_NOT_UTF8',
      Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]),
    ],
    ['SAFETENSORS_HEADER_NOT_JSON', buildSafetensors('{"a": ', Buffer.alloc(0))],
    ['SAFETENSORS_HEADER_NOT_OBJECT', buildSafetensors('[1, 2]', Buffer.alloc(0))],
    [
      'SAFETENSORS_DUPLICATE_KEY',
      buildSafetensors(
        '{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}',
        Buffer.alloc(1),
      ),
    ],
    ['SAFETENSORS_BAD_METADATA', buildSafetensors({__metadata__: {epoch: 3}}, Buffer.alloc(0))],
    ['SAFETENSORS_BAD_METADATA', buildSafetensors({__metadata__: ['x']}, Buffer.alloc(0))],
    ['SAFETENSORS_UNKNOWN_DTYPE', buildSafetensors({a: tensor('F128', [1], 0, 16)}, Buffer.alloc(16))],
    [
      'SAFETENSORS_BAD_TENSOR_ENTRY',
      buildSafetensors({a: {dtype: 'F32', shape: [-1], data_offsets: [0, 4]}}, Buffer.alloc(4)),
    ],
    [
      'SAFETENSORS_BAD_TENSOR_ENTRY',
      buildSafetensors({a: {dtype: 'F32', shape: [1], data_offsets: [4, 0]}}, Buffer.alloc(4)),
    ],
    ['SAFETENSORS_BAD_TENSOR_ENTRY', buildSafetensors({a: 'not a tensor'}, Buffer.alloc(0))],
    ['SAFETENSORS_SIZE_MISMATCH', buildSafetensors({a: tensor('F32', [2, 3], 0, 20)}, Buffer.alloc(20))],
    ['SAFETENSORS_OFFSET_GAP', buildSafetensors({a: tensor('U8', [4], 4, 8)}, Buffer.alloc(8))],
    [
      'SAFETENSORS_OFFSET_GAP',
      buildSafetensors({a: tensor('U8', [4], 0, 4), b: tensor('U8', [2], 6, 8)}, Buffer.alloc(8)),
    ],
    [
      'SAFETENSORS_OFFSET_OVERLAP',
      buildSafetensors({a: tensor('U8', [4], 0, 4), b: tensor('U8', [4], 2, 6)}, Buffer.alloc(6)),
    ],
    ['SAFETENSORS_DATA_OUT_OF_BOUNDS', buildSafetensors({a: tensor('U8', [16], 0, 16)}, Buffer.alloc(8))],
    ['SAFETENSORS_TRAILING_DATA', buildSafetensors({a: tensor('U8', [4], 0, 4)}, Buffer.alloc(12))],
  ])('reports %s', (code, file) => {
    expect(check(file)).toEqual([code])
  })

  it('requires sub-byte dtypes to fill whole bytes (MisalignedSlice), and accepts them when they do', () => {
    expect(check(buildSafetensors({a: tensor('F4', [3], 0, 2)}, Buffer.alloc(2)))).toEqual([
      'SAFETENSORS_SIZE_MISMATCH',
    ])
    expect(check(buildSafetensors({a: tensor('F4', [4], 0, 2)}, Buffer.alloc(2)))).toEqual([])
    expect(check(buildSafetensors({a: tensor('F6_E2M3', [4], 0, 3)}, Buffer.alloc(3)))).toEqual([])
  })

  it('checks shape products with 64-bit overflow as usize::checked_mul does, whatever a later zero gives', () => {
    const huge = {a: tensor('F64', [2 ** 40, 2 ** 40], 0, 8)}
    expect(check(buildSafetensors(huge, Buffer.alloc(8)))).toEqual(['SAFETENSORS_BAD_TENSOR_ENTRY'])
    const overflowThenZero = '{"a":{"dtype":"U8","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}'
    expect(check(buildSafetensors(overflowThenZero, Buffer.alloc(0)))).toEqual(['SAFETENSORS_BAD_TENSOR_ENTRY'])
    // The twin: a dimension past 2^53 (JSON.parse would round it) times zero is an empty tensor.
    const exact = '{"a":{"dtype":"U8","shape":[9007199254740993,0],"data_offsets":[0,0]}}'
    expect(check(buildSafetensors(exact, Buffer.alloc(0)))).toEqual([])
    const tooBig = '{"a":{"dtype":"U8","shape":[18446744073709551616,0],"data_offsets":[0,0]}}'
    expect(check(buildSafetensors(tooBig, Buffer.alloc(0)))).toEqual(['SAFETENSORS_BAD_TENSOR_ENTRY'])
  })

  it('takes offsets and shapes as integers only, as serde_json gives a usize (8.0 and 1e1 are floats)', () => {
    const header = (shape: string, offsets: string) =>
      `{"a":{"dtype":"U8","shape":[${shape}],"data_offsets":[0,${offsets}]}}`
    expect(check(buildSafetensors(header('8.0', '8'), Buffer.alloc(8)))).toEqual(['SAFETENSORS_BAD_TENSOR_ENTRY'])
    expect(check(buildSafetensors(header('8', '8.0'), Buffer.alloc(8)))).toEqual(['SAFETENSORS_BAD_TENSOR_ENTRY'])
    expect(check(buildSafetensors(header('8', '1e1'), Buffer.alloc(10)))).toEqual(['SAFETENSORS_BAD_TENSOR_ENTRY'])
    expect(check(buildSafetensors(header('8', '8'), Buffer.alloc(8)))).toEqual([])
  })

  it('allows leading and trailing JSON whitespace but not a byte-order mark', () => {
    const body = JSON.stringify({a: tensor('U8', [2], 0, 2)})
    expect(check(buildSafetensors(` \n\t\r${body}   `, Buffer.alloc(2)))).toEqual([])
    expect(check(buildSafetensors(`\ufeff${body}`, Buffer.alloc(2)))).toEqual(['SAFETENSORS_HEADER_NOT_JSON'])
  })

  it("reads a dtype in serde's map form and ignores unknown tensor fields, as the crate does", () => {
    const header = '{"a":{"dtype":{"F32":null},"shape":[1],"data_offsets":[0,4],"comment":[1.5,{"x":null}]}}'
    expect(check(buildSafetensors(header, Buffer.alloc(4)))).toEqual([])
    const wrong = '{"a":{"dtype":{"F32":1},"shape":[1],"data_offsets":[0,4]}}'
    expect(check(buildSafetensors(wrong, Buffer.alloc(4)))).toEqual(['SAFETENSORS_UNKNOWN_DTYPE'])
  })

  it("stops at serde_json's recursion limit (127 levels) and refuses lone surrogate escapes", () => {
    const nested = (levels: number) =>
      `{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":${'['.repeat(levels)}${']'.repeat(levels)}}}`
    expect(check(buildSafetensors(nested(125), Buffer.alloc(1)))).toEqual([])
    expect(check(buildSafetensors(nested(126), Buffer.alloc(1)))).toEqual(['SAFETENSORS_HEADER_NOT_JSON'])
    const named = (name: string) => `{"${name}":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`
    expect(check(buildSafetensors(named('\\ud800'), Buffer.alloc(1)))).toEqual(['SAFETENSORS_HEADER_NOT_JSON'])
    expect(check(buildSafetensors(named('\\udc00x'), Buffer.alloc(1)))).toEqual(['SAFETENSORS_HEADER_NOT_JSON'])
    expect(check(buildSafetensors(named('\\ud83d\\ude00'), Buffer.alloc(1)))).toEqual([])
  })
})

describe('parseStrictJson', () => {
  const plain = (value: JsonValue): unknown => {
    if (value.t === 'object') return Object.fromEntries(value.entries.map(([k, v]) => [k, plain(v)]))
    if (value.t === 'array') return value.items.map(plain)
    if (value.t === 'number') return Number(value.raw)
    return value.t === 'string' ? value.s : value.t === 'bool' ? value.b : null
  }

  it('reads what JSON.parse reads, for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({maxDepth: 20}), (value) => {
        const text = JSON.stringify(value)
        fc.pre(!/\\ud[89a-f]/i.test(text))
        expect(plain(parseStrictJson(text))).toEqual(JSON.parse(text))
      }),
      {numRuns: 500},
    )
  })

  it('accepts nothing JSON.parse refuses (property over near-JSON strings)', () => {
    const near = fc
      .tuple(fc.jsonValue({maxDepth: 4}), fc.nat(), fc.constantFrom('', ',', ']', '}', ' x', '-', '.', '"', '\\', '01'))
      .map(([value, at, junk]) => {
        const text = JSON.stringify(value)
        const i = at % (text.length + 1)
        return text.slice(0, i) + junk + text.slice(i)
      })
    fc.assert(
      fc.property(near, (text) => {
        let strict = true
        try {
          parseStrictJson(text)
        } catch (error) {
          expect(error).toBeInstanceOf(JsonSyntaxError)
          strict = false
        }
        if (strict) expect(() => JSON.parse(text) as unknown).not.toThrow()
      }),
      {numRuns: 2000},
    )
  })
})
