import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {compareDebianVersions, compareVersions, parseVersion} from '../../../src/core/version.js'

describe('parseVersion', () => {
  it('reads server, driver and build version strings', () => {
    expect(parseVersion('v0.1.33')).toEqual({release: [0, 1, 33], phase: 4, phaseNumber: 0})
    expect(parseVersion('0.6.4.post1')).toEqual({release: [0, 6, 4], phase: 5, phaseNumber: 1})
    expect(parseVersion('0.6.4rc2')).toEqual({release: [0, 6, 4], phase: 3, phaseNumber: 2})
    expect(parseVersion('b4567-abcdef')).toEqual({release: [4567], phase: 4, phaseNumber: 0})
    expect(parseVersion('2.1.0+cu121')).toEqual({release: [2, 1, 0], phase: 4, phaseNumber: 0})
    expect(parseVersion('unknown')).toBeNull()
  })
})

describe('compareVersions', () => {
  it('orders releases numerically and pre-releases before their release', () => {
    const ascending = [
      '0.1.9',
      '0.1.10',
      '0.6.4.dev1',
      '0.6.4a1',
      '0.6.4b2',
      '0.6.4rc1',
      '0.6.4rc2',
      '0.6.4',
      '0.6.4.post1',
      '0.7',
    ]
    for (let i = 1; i < ascending.length; i++) expect(compareVersions(ascending[i - 1], ascending[i])).toBe(-1)
    expect(compareVersions('550.144.3', '550.144.03')).toBe(0)
    expect(compareVersions('1.0', '1.0.0')).toBe(0)
    expect(compareVersions('x', '1')).toBeNull()
  })

  it('is antisymmetric and reflexive on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 20}), fc.string({maxLength: 20}), (a, b) => {
        const ab = compareVersions(a, b)
        const ba = compareVersions(b, a)
        if (ab === null) expect(ba).toBeNull()
        else {
          expect(ab).toBe(-ba! || 0)
          expect(compareVersions(a, a)).toBe(0)
        }
      }),
    )
  })
})

describe('compareDebianVersions', () => {
  it('follows dpkg: epoch, tilde before release, numeric parts', () => {
    expect(compareDebianVersions('1:3.0.9-1', '3.1')).toBeGreaterThan(0)
    expect(compareDebianVersions('2.0~rc1', '2.0')).toBeLessThan(0)
    expect(compareDebianVersions('1.10', '1.9')).toBeGreaterThan(0)
  })
})
