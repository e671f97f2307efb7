import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {readSshdConfig} from '../../../src/audit/facts/sshd-config.js'
import {connectionSpec, effectiveValue, type SshdConnection} from '../../../src/audit/facts/sshd-match.js'
import {RootReader} from '../../../src/audit/facts/rootfs.js'
import {hasTool, isRoot, skipReason} from '../../helpers/env.js'

const unavailable = skipReason(
  !isRoot || !hasTool('sshd') || !hasTool('ssh-keygen'),
  'comparing with sshd -T needs root, sshd and ssh-keygen (Debian: openssh-server)',
)

const KEYS = {
  permitrootlogin: ['yes', 'no', 'prohibit-password'],
  passwordauthentication: ['yes', 'no'],
  x11forwarding: ['yes', 'no'],
}
const CRITERIA = [
  'all',
  'User root',
  'User bob',
  'User !root,*',
  'Address *',
  'Address 10.0.0.0/8',
  'Address 192.168.*',
  'Address 10.0.0.0/8,!10.1.2.3',
  'Host *.example.com',
  'LocalPort 2222',
  'User root Address 10.0.0.0/8',
]
const CONNECTIONS: SshdConnection[] = ['root', 'bob'].flatMap((user) =>
  ['203.0.113.7', '10.1.2.3', '10.9.9.9', '192.168.4.4'].map((addr) => ({
    user,
    host: 'a.example.com',
    addr,
    laddr: '198.51.100.1',
    lport: 22,
    rdomain: '',
    groups: [],
  })),
)
/** sshd -T prints these spellings. */
const PRINTED: Record<string, string> = {'prohibit-password': 'without-password'}

const setting = fc
  .constantFrom(...Object.keys(KEYS))
  .chain((key) =>
    fc
      .constantFrom(...KEYS[key as keyof typeof KEYS])
      .map((value) => `${key === 'x11forwarding' ? 'X11Forwarding' : key} ${value}`),
  )
const section = fc.record({
  match: fc.option(fc.constantFrom(...CRITERIA), {nil: undefined}),
  lines: fc.array(setting, {maxLength: 3}),
})
const config = fc.record({
  main: fc.array(section, {maxLength: 4}),
  included: fc.array(section, {maxLength: 3}),
  includeAt: fc.nat(4),
})

function render(sections: {match?: string; lines: string[]}[]): string[] {
  return sections.flatMap((s) => [...(s.match ? [`Match ${s.match}`] : []), ...s.lines.map((l) => `  ${l}`)])
}

let dir: string
let key: string

async function sshdValues(file: string, c: SshdConnection): Promise<Map<string, string>> {
  const run = await execa('sshd', ['-T', '-f', file, '-h', key, '-C', connectionSpec(c)], {reject: false})
  expect(run.exitCode, run.stderr).toBe(0)
  return new Map(run.stdout.split('\n').map((l) => [l.split(' ')[0], l.slice(l.indexOf(' ') + 1)]))
}

describe.skipIf(unavailable)('the offline sshd_config reader agrees with sshd -T -C', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-sshd-'))
    key = join(dir, 'hostkey')
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
    await mkdir('/run/sshd', {recursive: true})
  })
  afterAll(async () => rm(dir, {recursive: true, force: true}))

  it('on generated configurations with Include, Match blocks and first-value-wins', async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(config, async ({main, included, includeAt}) => {
        const base = join(dir, `c${++n}`)
        await mkdir(`${base}.d`, {recursive: true})
        await writeFile(join(`${base}.d`, 'a.conf'), `${render(included).join('\n')}\n`)
        const lines = render(main)
        lines.splice(Math.min(includeAt, lines.length), 0, `Include ${base}.d/*.conf`)
        await writeFile(base, `${lines.join('\n')}\n`)
        const directives = await readSshdConfig(new RootReader('/'), base)
        for (const c of CONNECTIONS) {
          const real = await sshdValues(base, c)
          for (const k of Object.keys(KEYS)) {
            const ours = effectiveValue(directives, k, c)?.value
            if (ours === undefined) continue
            expect(real.get(k), `${lines.join(' | ')} for ${connectionSpec(c)}`).toBe(PRINTED[ours] ?? ours)
          }
        }
      }),
      {numRuns: 40},
    )
  }, 120_000)
})
