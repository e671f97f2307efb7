import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {
  canonicalizeRelative,
  compareNames,
  createIgnoreMatcher,
  gitIgnorePaths,
  normalizeIgnorePath,
} from '../../../src/artifacts/paths.js'

describe('compareNames', () => {
  it('orders by Unicode code point, not UTF-16 code unit', () => {
    // U+FF5E sorts before U+1F600 by code point, after it by UTF-16 unit.
    const names = ['\u{1F600}.bin', '\uFF5E.bin', 'B', 'a', 'a/b', 'a.b']
    expect([...names].sort(compareNames)).toEqual(['B', 'a', 'a.b', 'a/b', '\uFF5E.bin', '\u{1F600}.bin'])
  })

  it('is a total order consistent with code points (property)', () => {
    fc.assert(
      fc.property(fc.string({unit: 'grapheme'}), fc.string({unit: 'grapheme'}), (a, b) => {
        const byPoints = Math.sign(
          (() => {
            const x = [...a].map((c) => c.codePointAt(0) as number)
            const y = [...b].map((c) => c.codePointAt(0) as number)
            for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i]
            return x.length - y.length
          })(),
        )
        expect(Math.sign(compareNames(a, b))).toBe(byPoints)
      }),
    )
  })
})

describe('ignore paths', () => {
  it('default entries match top-level components only', () => {
    const ignored = createIgnoreMatcher(gitIgnorePaths())
    expect(ignored('.git/HEAD')).toBe(true)
    expect(ignored('.gitignore')).toBe(true)
    expect(ignored('.github/workflows/ci.yml')).toBe(true)
    expect(ignored('sub/.git/HEAD')).toBe(false)
    expect(ignored('.gitkeep')).toBe(false)
  })

  it('user entries are exact paths from the root, with their subtree', () => {
    const ignored = createIgnoreMatcher([normalizeIgnorePath('./cache//', '/m'), normalizeIgnorePath('/m/a/b', '/m')])
    expect(ignored('cache')).toBe(true)
    expect(ignored('cache/x/y')).toBe(true)
    expect(ignored('cached')).toBe(false)
    expect(ignored('sub/cache')).toBe(false)
    expect(ignored('a/b/c')).toBe(true)
  })

  it.each([
    ['*.bin', /glob/],
    ['../up', /leaves the model/],
    ['/elsewhere/x', /outside the model directory/],
    ['.', /model root itself/],
  ])('rejects %s', (entry, message) => {
    expect(() => normalizeIgnorePath(entry, '/m')).toThrow(message)
  })

  it('canonicalizes separators and dots', () => {
    expect(canonicalizeRelative('./a//b/./c/')).toBe('a/b/c')
    expect(canonicalizeRelative('a\\b')).toBe('a/b')
  })
})
