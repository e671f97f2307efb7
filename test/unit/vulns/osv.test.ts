import {compare} from '@renovatebot/pep440'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {cvss3BaseScore, judgeAffected, recordSeverity, type OsvAffected, type OsvEvent} from '../../../src/vulns/osv.js'
import {comparePep440, normalizePythonName} from '../../../src/vulns/pep440.js'

const pypi = (events: OsvEvent[], versions?: string[]): OsvAffected => ({
  package: {ecosystem: 'PyPI', name: 'x'},
  ranges: [{type: 'ECOSYSTEM', events}],
  versions,
})

describe('judgeAffected', () => {
  it('follows OSV range evaluation: introduced, fixed, last_affected, several ranges', () => {
    const twoRanges = pypi([{introduced: '0'}, {fixed: '1.2'}, {introduced: '2.0'}, {fixed: '2.3.1'}])
    const expected: [string, string][] = [
      ['0.1', 'affected'],
      ['1.2rc1', 'affected'],
      ['1.2', 'not-affected'],
      ['1.9', 'not-affected'],
      ['2.0.dev1', 'not-affected'],
      ['2.0', 'affected'],
      ['2.3.1', 'not-affected'],
    ]
    for (const [version, verdict] of expected) expect(judgeAffected(twoRanges, 'PyPI', version), version).toBe(verdict)
    const last = pypi([{introduced: '0.6.5'}, {last_affected: '2.5.1'}])
    expect(judgeAffected(last, 'PyPI', '2.5.1')).toBe('affected')
    expect(judgeAffected(last, 'PyPI', '2.5.1+cu121')).toBe('affected')
    expect(judgeAffected(last, 'PyPI', '2.5.2')).toBe('not-affected')
    expect(judgeAffected(last, 'PyPI', '0.6.4')).toBe('not-affected')
    expect(judgeAffected(pypi([{introduced: '9'}], ['1.0']), 'PyPI', '1.0')).toBe('affected')
  })

  it('is unknown, never "not affected", when a version does not compare', () => {
    expect(judgeAffected(pypi([{introduced: '0'}, {fixed: '1.0'}]), 'PyPI', 'not-pep440')).toBe('unknown')
    expect(judgeAffected(pypi([{introduced: '0'}, {fixed: 'garbage!'}]), 'PyPI', '0.5')).toBe('unknown')
    expect(judgeAffected(pypi([{introduced: '0'}, {fixed: '1.0'}]), 'NoSuchEcosystem', '0.5')).toBe('unknown')
  })

  it('compares Debian and product versions in their own order', () => {
    const deb: OsvAffected = {
      package: {ecosystem: 'Debian:12', name: 'openssl'},
      ranges: [{type: 'ECOSYSTEM', events: [{introduced: '0'}, {fixed: '3.0.15-1~deb12u1'}]}],
    }
    expect(judgeAffected(deb, 'Debian:12', '3.0.15-1~deb12u0')).toBe('affected')
    expect(judgeAffected(deb, 'Debian:12', '3.0.15-1')).toBe('not-affected')
    const product: OsvAffected = {
      ranges: [{type: 'ECOSYSTEM', events: [{introduced: '0'}, {fixed: '0.1.34'}]}],
      database_specific: {product: 'ollama'},
    }
    expect(judgeAffected(product, 'product', '0.1.34-rc1')).toBe('affected')
    expect(judgeAffected(product, 'product', '0.1.34')).toBe('not-affected')
  })
})

describe('severity', () => {
  it('computes CVSS v3.1 base scores', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8)
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')).toBe(10)
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H')).toBe(7.5)
    expect(cvss3BaseScore('CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N')).toBe(0)
    expect(cvss3BaseScore('CVSS:3.1/AV:N')).toBeNull()
  })

  it("takes GitHub's rating, else the CVSS band, else high", () => {
    expect(recordSeverity({id: 'a', modified: '', database_specific: {severity: 'MODERATE'}})).toBe('medium')
    expect(
      recordSeverity({
        id: 'a',
        modified: '',
        severity: [{type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H'}],
      }),
    ).toBe('high')
    expect(recordSeverity({id: 'a', modified: ''})).toBe('high')
  })
})

describe('PEP 440', () => {
  const segment = fc.integer({min: 0, max: 20})
  const version = fc
    .record({
      epoch: fc.option(fc.constantFrom('1!', '2!'), {nil: ''}),
      release: fc.array(segment, {minLength: 1, maxLength: 4}),
      pre: fc.option(fc.tuple(fc.constantFrom('a', 'b', 'rc', 'alpha', 'c', 'pre'), segment), {nil: undefined}),
      post: fc.option(fc.tuple(fc.constantFrom('.post', 'post', '-', '.r'), segment), {nil: undefined}),
      dev: fc.option(segment, {nil: undefined}),
    })
    .map(
      ({epoch, release, pre, post, dev}) =>
        `${epoch}${release.join('.')}${pre ? pre.join('') : ''}${post ? post.join('') : ''}${dev === undefined ? '' : `.dev${dev}`}`,
    )

  it('orders pre, post and dev releases as @renovatebot/pep440 does', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(comparePep440(a, b)).toBe(Math.sign(compare(a, b)))
      }),
      {numRuns: 3000},
    )
  })

  it('judges a local version label as its public release (2.5.1+cu121 is 2.5.1)', () => {
    expect(comparePep440('2.5.1+cu121', '2.5.1')).toBe(0)
    expect(Math.sign(compare('2.5.1+cu121', '2.5.1'))).toBe(1)
    expect(comparePep440('2.6.0+cpu', '2.5.1')).toBe(1)
    expect(comparePep440('garbage', '1.0')).toBeNull()
    expect(normalizePythonName('Llama_CPP.python')).toBe('llama-cpp-python')
  })
})
