import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {globToRegExp, matchesGlob} from '../../../src/audit/glob.js'

describe('matchesGlob', () => {
  it('matches within and across path segments', () => {
    expect(matchesGlob('/models/legacy/a.bin', '/models/legacy/*')).toBe(true)
    expect(matchesGlob('/models/legacy/x/a.bin', '/models/legacy/*')).toBe(false)
    expect(matchesGlob('/models/legacy/x/a.bin', '/models/**')).toBe(true)
    expect(matchesGlob('gpu-07', 'gpu-*')).toBe(true)
    expect(matchesGlob('cpu-07', 'gpu-*')).toBe(false)
    expect(matchesGlob('gpu-7', 'gpu-[0-9]')).toBe(true)
    expect(matchesGlob('gpu-x', 'gpu-[!0-9]')).toBe(true)
    expect(matchesGlob('gpu-1', 'gpu-?')).toBe(true)
  })

  it('treats regular-expression syntax literally', () => {
    expect(matchesGlob('a.b', 'a.b')).toBe(true)
    expect(matchesGlob('axb', 'a.b')).toBe(false)
    expect(matchesGlob('(x)+', '(x)+')).toBe(true)
    expect(matchesGlob('$^|', '$^|')).toBe(true)
  })

  it('compiles any pattern without throwing, and a pattern without wildcards matches only itself', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 60}), (glob) => {
        expect(() => globToRegExp(glob)).not.toThrow()
        if (!/[*?[]/.test(glob)) expect(matchesGlob(glob, glob)).toBe(true)
      }),
      {numRuns: 500},
    )
  })

  it('refuses overlong patterns', () => {
    expect(() => globToRegExp('*'.repeat(2000))).toThrow(/longer than/)
  })
})
