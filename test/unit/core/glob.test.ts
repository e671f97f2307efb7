import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {globToRegExp, matchesGlob} from '../../../src/core/glob.js'

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
        if (!/[*?[{]/.test(glob)) expect(matchesGlob(glob, glob)).toBe(true)
      }),
      {numRuns: 500},
    )
  })

  it('has one syntax for waivers, scan excludes and sshd includes: braces, classes, globstar', () => {
    expect(matchesGlob('a.pt', '{a,b}.pt')).toBe(true)
    expect(matchesGlob('c.pt', '{a,b}.pt')).toBe(false)
    expect(matchesGlob('ab.pt', '{a,{b,c}b}.pt')).toBe(false)
    expect(matchesGlob('cb.pt', '{a,{b,c}b}.pt')).toBe(true)
    expect(matchesGlob('m/x.bin', 'm/**/x.bin')).toBe(true)
    expect(matchesGlob('m/a/b/x.bin', 'm/**/x.bin')).toBe(true)
    expect(matchesGlob('mx.bin', 'm/**/x.bin')).toBe(false)
    expect(matchesGlob('a/b', 'a?b')).toBe(false)
    expect(matchesGlob('a/b', 'a[/]b')).toBe(false)
    expect(matchesGlob('a/b', 'a[!x]b')).toBe(false)
  })

  it('keeps unclosed or invalid brackets and braces literal instead of failing', () => {
    for (const glob of ['{a', 'a}', '[a', '[z-a]', '[]', '[!]', '{a,b']) expect(matchesGlob(glob, glob)).toBe(true)
    expect(matchesGlob('a,b', 'a,b')).toBe(true)
  })

  it('refuses overlong patterns', () => {
    expect(() => globToRegExp('*'.repeat(2000))).toThrow(/longer than/)
  })
})
