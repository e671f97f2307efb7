import {describe, expect, it} from 'vitest'

import {checkGguf} from '../../../src/scan/gguf.js'
import {scanFile} from '../../../src/scan/index.js'
import {bufferSource} from '../../../src/scan/source.js'
import {skipReason} from '../../helpers/env.js'
import {findShared} from '../../helpers/shared-model.js'
import {buildGguf, ggufString, ggufU32, ggufU64, type GgufTensor} from '../../helpers/model-builders.js'

const check = (file: Buffer) => checkGguf(bufferSource(file), null).map((f) => f.code)
const STRING = 8
const ARRAY = 9
const U32 = 4
const f32 = (name: string, dims: bigint[], offset = 0n): GgufTensor => ({name, dims, type: 0, offset})
const kvString = (key: string, value: string) => ({key, type: STRING, value: ggufString(value)})
const alignment = (value: number, type = U32) => ({
  key: 'general.alignment',
  type,
  value: type === U32 ? ggufU32(value) : ggufU64(value),
})

describe('checkGguf', () => {
  it('accepts a valid file with strings, an array and two aligned tensors', () => {
    const tokens = {
      key: 'tokenizer.ggml.tokens',
      type: ARRAY,
      value: Buffer.concat([ggufU32(STRING), ggufU64(2), ggufString('a'), ggufString('b')]),
    }
    const file = buildGguf({
      kv: [kvString('general.architecture', 'llama'), tokens],
      tensors: [f32('a', [4n]), f32('b', [8n], 32n)],
      dataLength: 64,
    })
    expect(check(file)).toEqual([])
  })

  it.each([
    ['GGUF_BAD_MAGIC', Buffer.from('GGML\x03\x00\x00\x00', 'latin1')],
    ['GGUF_UNSUPPORTED_VERSION', buildGguf({version: 9})],
    ['GGUF_TRUNCATED', buildGguf({kv: [kvString('k', 'v')]}).subarray(0, 30)],
    ['GGUF_COUNT_TOO_LARGE', buildGguf({tensorCount: 0xffffffffffffffffn})],
    ['GGUF_COUNT_TOO_LARGE', buildGguf({kvCount: 1n << 40n})],
    ['GGUF_LENGTH_OUT_OF_BOUNDS', buildGguf({kv: [{key: 'k', type: STRING, value: ggufU64(1n << 62n)}]})],
    [
      'GGUF_LENGTH_OUT_OF_BOUNDS',
      buildGguf({kv: [{key: 'k', type: ARRAY, value: Buffer.concat([ggufU32(10), ggufU64(0xffffffffffffffffn)])}]}),
    ],
    [
      'GGUF_LENGTH_OUT_OF_BOUNDS',
      buildGguf({kv: [{key: 'k', type: ARRAY, value: Buffer.concat([ggufU32(STRING), ggufU64(1n << 61n)])}]}),
    ],
    ['GGUF_BAD_STRING', buildGguf({kv: [{key: '', type: U32, value: ggufU32(1)}]})],
    ['GGUF_UNSUPPORTED_VERSION', buildGguf({version: 1})],
    ['GGUF_UNSUPPORTED_VERSION', buildGguf({version: 0x30000000})],
    ['GGUF_INVALID_VALUE_TYPE', buildGguf({kv: [{key: 'k', type: 13, value: ggufU32(0)}]})],
    [
      'GGUF_INVALID_VALUE_TYPE',
      buildGguf({kv: [{key: 'k', type: ARRAY, value: Buffer.concat([ggufU32(99), ggufU64(1)])}]}),
    ],
    [
      'GGUF_NESTING_TOO_DEEP',
      buildGguf({
        kv: [
          {
            key: 'k',
            type: ARRAY,
            value: Buffer.concat([ggufU32(ARRAY), ggufU64(1), ggufU32(U32), ggufU64(1), ggufU32(0)]),
          },
        ],
      }),
    ],
    ['GGUF_DUPLICATE_KEY', buildGguf({kv: [kvString('general.name', 'a'), kvString('general.name', 'b')]})],
    ['GGUF_BAD_ALIGNMENT', buildGguf({kv: [alignment(48)]})],
    ['GGUF_BAD_ALIGNMENT', buildGguf({kv: [alignment(0)]})],
    ['GGUF_BAD_ALIGNMENT', buildGguf({kv: [alignment(32, 10)]})],
    ['GGUF_DUPLICATE_TENSOR', buildGguf({tensors: [f32('w', [4n]), f32('w', [4n], 32n)], dataLength: 64})],
    ['GGUF_BAD_DIMENSIONS', buildGguf({tensors: [f32('w', [1n, 1n, 1n, 1n, 1n])], dataLength: 4})],
    ['GGUF_BAD_DIMENSIONS', buildGguf({tensors: [f32('w', [4n, 0n])], dataLength: 64})],
    ['GGUF_BAD_DIMENSIONS', buildGguf({tensors: [f32('w', [4n, 1n, 1n, 0n])], dataLength: 64})],
    [
      'GGUF_NESTING_TOO_DEEP',
      buildGguf({kv: [{key: 'k', type: ARRAY, value: Buffer.concat([ggufU32(ARRAY), ggufU64(0)])}]}),
    ],
    ['GGUF_BAD_TENSOR_TYPE', buildGguf({tensors: [{name: 'w', dims: [32n], type: 31, offset: 0n}], dataLength: 64})],
    ['GGUF_TENSOR_NOT_CONTIGUOUS', buildGguf({tensors: [f32('a', [4n]), f32('b', [4n], 64n)], dataLength: 128})],
    // Out of file order: a valid layout elsewhere, but ggml wants each offset to be the previous end.
    ['GGUF_TENSOR_NOT_CONTIGUOUS', buildGguf({tensors: [f32('a', [4n], 32n), f32('b', [4n], 0n)], dataLength: 64})],
    [
      'GGUF_DUPLICATE_TENSOR',
      buildGguf({tensors: [f32('a\u0000x', [4n]), f32('a\u0000y', [4n], 32n)], dataLength: 64}),
    ],
    // (2^31-1) × 2^32 < 2^63, yet ggml's guard INT64_MAX / ne[1] <= ne[0] refuses it: so does this reader.
    [
      'GGUF_LENGTH_OVERFLOW',
      buildGguf({tensors: [{name: 'w', dims: [(1n << 31n) - 1n, 1n << 32n], type: 24, offset: 0n}]}),
    ],
    ['GGUF_BAD_DIMENSIONS', buildGguf({tensors: [f32('w', [0xffffffffffffffffn])]})],
    ['GGUF_LENGTH_OVERFLOW', buildGguf({tensors: [f32('w', [1n << 40n, 1n << 40n])]})],
    ['GGUF_BAD_TENSOR_TYPE', buildGguf({tensors: [{name: 'w', dims: [4n], type: 4, offset: 0n}], dataLength: 64})],
    ['GGUF_BAD_TENSOR_SHAPE', buildGguf({tensors: [{name: 'w', dims: [33n], type: 2, offset: 0n}], dataLength: 64})],
    ['GGUF_MISALIGNED_OFFSET', buildGguf({tensors: [f32('w', [4n], 4n)], dataLength: 64})],
    ['GGUF_TENSOR_OUT_OF_BOUNDS', buildGguf({tensors: [f32('w', [1024n])], dataLength: 64})],
    ['GGUF_TENSOR_OUT_OF_BOUNDS', buildGguf({tensors: [f32('w', [4n], 1n << 62n)], dataLength: 64})],
    ['GGUF_TENSOR_OVERLAP', buildGguf({tensors: [f32('a', [16n]), f32('b', [16n], 32n)], dataLength: 128})],
    ['GGUF_BAD_STRING', buildGguf({tensors: [f32('x'.repeat(64), [4n])], dataLength: 16})],
  ])('reports %s', (code, file) => {
    expect(check(file)).toEqual([code])
  })

  it('accepts what ggml accepts: a scalar (n_dims 0), a zero first dimension, bytes that are not UTF-8 in a key, the newest types', () => {
    expect(check(buildGguf({tensors: [f32('s', [])], dataLength: 32}))).toEqual([])
    expect(check(buildGguf({tensors: [f32('e', [0n, 4n]), f32('w', [4n])], dataLength: 32}))).toEqual([])
    const raw = buildGguf({kv: [{key: 'k\u00ff', type: U32, value: ggufU32(1)}]})
    raw[raw.indexOf('k\u00c3\u00bf', 0, 'latin1') + 1] = 0xff // "k", then 0xff 0xbf: not UTF-8
    expect(check(raw)).toEqual([])
    for (const [type, block, bytes] of [
      [40, 64n, 36],
      [41, 128n, 18],
      [42, 64n, 18],
    ] as const)
      expect(check(buildGguf({tensors: [{name: 'q', dims: [block], type, offset: 0n}], dataLength: bytes}))).toEqual([])
  })

  it('accepts ../shared/models/stories260K.gguf (a real llama.cpp model) with no finding', (context) => {
    const path = findShared('models', 'stories260K.gguf')
    if (skipReason(path === null, '../shared/models/stories260K.gguf is absent') || path === null) return context.skip()
    const report = scanFile(path)
    expect(report).toMatchObject({format: 'gguf', verdict: 'clean', findings: []})
  })
})
