import {describe, expect, it} from 'vitest'

import {compareManifest} from '../../../src/artifacts/compare.js'
import {append, maxOf} from '../../../src/core/arrays.js'

const MILLION = 1_000_000

describe('array helpers on a million elements', () => {
  it('append adds every element where push(...items) would throw RangeError', () => {
    const items = Array.from({length: MILLION}, (_, i) => i)
    expect(() => [].push(...(items as never[]))).toThrow(RangeError)
    const target = [-1]
    expect(append(target, items)).toBe(target)
    expect(target).toHaveLength(MILLION + 1)
    expect(target[MILLION]).toBe(MILLION - 1)
  })

  it('maxOf finds the largest value, or the floor', () => {
    expect(
      maxOf(
        Array.from({length: MILLION}, (_, i) => i % 977),
        0,
      ),
    ).toBe(976)
    expect(maxOf([], 5)).toBe(5)
    expect(maxOf([1, 2], 5)).toBe(5)
  })

  it("verify's manifest comparison lists a million differences", () => {
    // Names in sorted order: the result's sort then costs one pass.
    const name = (i: number) => `f${String(i).padStart(7, '0')}`
    const files = Array.from({length: MILLION}, (_, i) => ({name: name(i), path: `/m/${name(i)}`, size: 1}))
    const mismatches = compareManifest({signed: [], local: [], files, shards: false, ignoreUnsignedFiles: false})
    expect(mismatches).toHaveLength(MILLION)
    expect(mismatches.every((m) => m.reason === 'extra')).toBe(true)
  })
})
