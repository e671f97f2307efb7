import {describe, expect, it} from 'vitest'

import {checkSafetensors} from '../../../src/scan/safetensors.js'
import {bufferSource} from '../../../src/scan/source.js'
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

  it('computes sizes of sub-byte dtypes and huge shapes without overflow', () => {
    expect(check(buildSafetensors({a: tensor('F4', [3], 0, 2)}, Buffer.alloc(2)))).toEqual([])
    const huge = {a: tensor('F64', [2 ** 40, 2 ** 40], 0, 8)}
    expect(check(buildSafetensors(huge, Buffer.alloc(8)))).toEqual(['SAFETENSORS_SIZE_MISMATCH'])
  })
})
