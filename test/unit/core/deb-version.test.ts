import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'

import {runTool} from '../../../src/core/exec.js'
import {compareDebianVersions, parseDebianVersion} from '../../../src/core/deb-version.js'
import {hasTool, skipReason} from '../../helpers/env.js'

const noDpkg = skipReason(
  !hasTool('dpkg'),
  'dpkg is not installed: the comparison with dpkg --compare-versions is skipped',
)
const dir = mkdtempSync(join(tmpdir(), 'llmsec-debver-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

// Few distinct tokens, so generated pairs often share prefixes and tie-break on the hard cases.
const token = fc.constantFrom(
  '0',
  '1',
  '2',
  '9',
  '10',
  '01',
  '00',
  '99999999999999999999',
  'a',
  'b',
  'z',
  'A',
  'Z',
  '.',
  '+',
  '~',
  '~~',
)
const digit = fc.constantFrom('0', '1', '2', '10', '007')
const upstream = fc.tuple(digit, fc.array(token, {maxLength: 6})).map(([d, rest]) => d + rest.join(''))
const revision = fc.array(fc.constantFrom('0', '1', '2', '10', 'a', 'b', '.', '+', '~'), {minLength: 1, maxLength: 4})
const version = fc
  .record({
    epoch: fc.option(fc.constantFrom('0', '1', '2', '10', '00'), {nil: undefined}),
    upstream,
    // An upstream part with a hyphen or colon needs a revision or an epoch (deb-version(7)).
    hyphen: fc.option(fc.constantFrom('-1', '-rc-2'), {nil: undefined}),
    revision: fc.option(
      revision.map((r) => r.join('')),
      {nil: undefined},
    ),
  })
  .map(({epoch, upstream: up, hyphen, revision: rev}) => {
    const withHyphen = rev !== undefined && hyphen ? up + hyphen : up
    return `${epoch === undefined ? '' : `${epoch}:`}${withHyphen}${rev === undefined ? '' : `-${rev}`}`
  })

/** A pair of versions that are often close: the second is the first, edited. */
const pair = fc.oneof(
  fc.tuple(version, version),
  fc
    .tuple(version, fc.constantFrom('', '~', '0', '.0', 'a', '+b', '-0', '~1'))
    .map(([v, tail]) => [v, v + tail] as const),
)

/** Asks dpkg for every pair with one process per chunk: a script of `dpkg --compare-versions` lines. */
async function dpkgAgrees(pairs: (readonly [string, string])[], chunks = 2): Promise<string[]> {
  const op = (a: string, b: string) => ['lt', 'eq', 'gt'][Math.sign(compareDebianVersions(a, b)) + 1]
  const size = Math.ceil(pairs.length / chunks)
  const runs = Array.from({length: chunks}, async (_, c) => {
    const slice = pairs.slice(c * size, (c + 1) * size)
    const script = join(dir, `pairs-${c}.sh`)
    const lines = slice.map(([a, b]) => `dpkg --compare-versions '${a}' ${op(a, b)} '${b}' && echo 1 || echo 0`)
    writeFileSync(script, `${lines.join('\n')}\n`)
    const result = await runTool('sh', [script], {timeoutMs: 120_000})
    const verdicts = result.stdout.trim().split('\n')
    return slice.filter((_, i) => verdicts[i] !== '1').map(([a, b]) => `${a} ${op(a, b)} ${b} (dpkg disagrees)`)
  })
  return (await Promise.all(runs)).flat()
}

describe('parseDebianVersion', () => {
  it('reads epoch, upstream and revision as deb-version(7) defines them', () => {
    expect(parseDebianVersion('1:2.30-1+deb12u2')).toEqual({epoch: 1, upstream: '2.30', revision: '1+deb12u2'})
    expect(parseDebianVersion('3.0.11-1~deb12u2')).toEqual({epoch: 0, upstream: '3.0.11', revision: '1~deb12u2'})
    expect(parseDebianVersion('2:1.0-rc-2-1')).toEqual({epoch: 2, upstream: '1.0-rc-2', revision: '1'})
    expect(parseDebianVersion(' 1.0 ')).toEqual({epoch: 0, upstream: '1.0', revision: ''})
  })

  it('refuses what dpkg rejects or warns about', () => {
    for (const bad of ['', '1:', ':1', 'a:1', '1.0-', 'abc', '1 0', '1.0_1', '-1', '99999999999:1', 'x'.repeat(300)])
      expect(parseDebianVersion(bad), bad).toBeNull()
    // A colon in the upstream part only with an epoch.
    expect(parseDebianVersion('1.0:2-1')).toBeNull()
    expect(parseDebianVersion('1:2:3')).toEqual({epoch: 1, upstream: '2:3', revision: ''})
  })

  it('never throws and stays fast on long or hostile text', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 400}), (text) => {
        const parsed = parseDebianVersion(text)
        if (parsed) expect(compareDebianVersions(text, text)).toBe(0)
      }),
      {numRuns: 2000},
    )
    const started = performance.now()
    compareDebianVersions(`1${'.1'.repeat(100_000)}`, `1${'.1'.repeat(100_000)}a`)
    expect(performance.now() - started).toBeLessThan(500)
  })
})

describe('compareDebianVersions', () => {
  it('orders the deb-version(7) examples', () => {
    const ascending = [
      '~~',
      '~~a',
      '~',
      '0',
      '0a',
      '1.0~rc1',
      '1.0',
      '1.0-0.1',
      '1.0-1',
      '1.0a',
      '1.0+b1',
      '1.00.1',
      '1:0.1',
    ]
    for (let i = 1; i < ascending.length; i++)
      expect(compareDebianVersions(ascending[i - 1], ascending[i])).toBeLessThan(0)
    expect(compareDebianVersions('1.0', '1.0-0')).toBe(0)
    expect(compareDebianVersions('1.010', '1.10')).toBe(0)
    expect(compareDebianVersions('99999999999999999999', '99999999999999999998')).toBeGreaterThan(0)
  })

  it.skipIf(noDpkg)(
    'agrees with dpkg --compare-versions on 10,000 generated pairs',
    async () => {
      const pairs = fc.sample(pair, {numRuns: 10_000, seed: 16})
      expect(pairs.every(([a, b]) => parseDebianVersion(a) && parseDebianVersion(b))).toBe(true)
      expect(await dpkgAgrees(pairs)).toEqual([])
    },
    180_000,
  )

  it.skipIf(noDpkg)(
    'agrees with dpkg on versions dpkg only warns about (no leading digit)',
    async () => {
      const loose = fc.stringMatching(/^[a-z~.+][0-9a-z.+~]{0,6}$/)
      const pairs = fc.sample(fc.tuple(loose, loose), {numRuns: 500, seed: 7})
      expect(await dpkgAgrees(pairs, 1)).toEqual([])
    },
    60_000,
  )
})
