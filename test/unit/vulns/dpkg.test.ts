import fc from 'fast-check'
import * as lz4 from 'lz4js'
import {describe, expect, it} from 'vitest'

import {parseDpkgStatus, pendingSecurityUpdates, readSecurityLists, readStanzas} from '../../../src/vulns/dpkg.js'
import type {VulnNote} from '../../../src/vulns/index.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'

describe('parseDpkgStatus', () => {
  it('keeps installed packages and notes versions it cannot compare', () => {
    const text = [
      'Package: ok\r\nStatus: install ok installed\r\nVersion: 1.0-1\r\nArchitecture: amd64\r\n',
      'Package: gone\nStatus: deinstall ok config-files\nVersion: 2.0\n',
      'Package: noversion\nStatus: install ok installed\n',
      'Package: bad\nStatus: install ok installed\nVersion: not a version\n',
      'Status: install ok installed\nVersion: 1.0\n',
      'Package: held\nStatus: hold ok installed\nVersion: 3:1.2~rc1\nSource: heldsrc (3:1.2~rc1)\nDescription: x\n Version: 9.9\n',
    ].join('\n')
    const {packages, notes} = parseDpkgStatus(text)
    expect(packages.map((p) => [p.name, p.version, p.parsed !== null])).toEqual([
      ['ok', '1.0-1', true],
      ['noversion', '', false],
      ['bad', 'not a version', false],
      ['held', '3:1.2~rc1', true],
    ])
    expect(packages.find((p) => p.name === 'held')?.sourcePackage).toBe('heldsrc')
    expect(notes.map((n) => [n.code, n.subject])).toEqual([
      ['version-unparsable', 'noversion'],
      ['version-unparsable', 'bad'],
    ])
  })

  it('never throws, and stays linear on long lines and many stanzas', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 2000}), (text) => void parseDpkgStatus(text)),
      {numRuns: 500},
    )
    const long = `Package: x\nStatus: install ok installed\nVersion: 1${'.1'.repeat(500_000)}\n`
    const many = 'Package: p\nStatus: install ok installed\nVersion: 1.0\n\n'.repeat(100_000)
    // Lines without a colon, then one field: each line must not search the rest of the text.
    const colonless = `${'no colon here\n'.repeat(400_000)}Package: z\n`
    const started = performance.now()
    expect([...readStanzas(colonless)]).toEqual([{Package: 'z'}])
    expect(parseDpkgStatus(long).notes[0]?.code).toBe('version-unparsable')
    expect(parseDpkgStatus(many).packages).toHaveLength(100_000)
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it('skips continuation lines and runs of blank lines', () => {
    expect([...readStanzas('Package: a\nDescription: x\n Package: b\n\n\n\nPackage: c\n')]).toEqual([
      {Package: 'a'},
      {Package: 'c'},
    ])
  })
})

/** readStanzas as it was before it read lines in place: a copy of each line, trimmed (the reference). */
function* referenceStanzas(text: string): Generator<Record<string, string>> {
  const fields = new Set(['Package', 'Version', 'Status', 'Architecture', 'Source'])
  let stanza: Record<string, string> = {}
  let any = false
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const line = text.slice(start, Math.min(end, start + 512 + 64)).replace(/\r$/, '')
    start = end + 1
    if (line.trim() === '') {
      if (any) yield stanza
      stanza = {}
      any = false
      continue
    }
    if (line[0] === ' ' || line[0] === '\t' || line[0] === '#') continue
    const colon = line.indexOf(':')
    if (colon <= 0 || !fields.has(line.slice(0, colon))) continue
    stanza[line.slice(0, colon)] = line.slice(colon + 1, colon + 1 + 512).trim()
    any = true
  }
  if (any) yield stanza
}

describe('readStanzas reads lines in place', () => {
  it('splits any text exactly as copying each line would', () => {
    const space = fc.constantFrom('', ' ', '\t', '\u00a0', '\u2028', '\v', '\r', '#')
    const key = fc.constantFrom('Package', 'Version', 'Status', 'Architecture', 'Source', 'Pack', 'Description', '')
    const value = fc.oneof(
      fc.constantFrom('', 'x', ' 1.0-1 ', 'a:b', '\t'),
      fc.string({maxLength: 6}),
      fc.integer({min: 500, max: 700}).map((n) => 'v'.repeat(n)),
    )
    const eol = fc.constantFrom('\n', '\r\n', '\r', '')
    const line = fc.oneof(
      fc.tuple(space, key, fc.constantFrom(':', ': ', ' :', ''), value, eol).map((parts) => parts.join('')),
      // Lines that are blank, or nearly: white space of every kind, then the end of the line.
      fc.tuple(fc.array(space, {maxLength: 3}), eol).map(([s, e]) => `${s.join('')}${e || '\n'}`),
      fc.constantFrom('Package: a\n', 'Version: 1\r\n', 'Status: install ok installed\n'),
    )
    fc.assert(
      fc.property(fc.array(line, {maxLength: 30}), (lines) => {
        const text = lines.join('')
        expect([...readStanzas(text)]).toEqual([...referenceStanzas(text)])
      }),
      {numRuns: 3000},
    )
  })
})

describe('pending security updates', () => {
  it('matches name and architecture against the security lists only, newest version wins', async () => {
    const pkg = (name: string, arch: string, version: string) =>
      `Package: ${name}\nArchitecture: ${arch}\nVersion: ${version}\nStatus: install ok installed\n`
    const root = await buildRoot({
      '/var/lib/apt/lists/security.debian.org_dists_bookworm-security_main_binary-amd64_Packages': [
        pkg('libc6', 'amd64', '2.36-9+deb12u9'),
        pkg('libc6', 'amd64', '2.36-9+deb12u4'),
        pkg('libc6', 'i386', '2.36-9+deb12u99'),
        pkg('tzdata', 'all', '2024b-0+deb12u1'),
        pkg('older', 'amd64', '1.0-1'),
      ].join('\n'),
      '/var/lib/apt/lists/deb.debian.org_dists_bookworm_main_binary-amd64_Packages': pkg('vim', 'amd64', '9:9.9'),
      // apt keeps lists lz4-compressed with compressed indexes; a damaged one is a note, not a crash.
      '/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_updates_binary-amd64_Packages.lz4':
        Buffer.from(lz4.compress(Buffer.from(pkg('zlib1g', 'amd64', '1:1.2.13.dfsg-1+deb12u1')))),
      '/var/lib/apt/lists/x_dists_noble-security_main_binary-amd64_Packages.lz4': 'not lz4',
      '/var/lib/apt/lists/x_dists_noble-security_main_binary-amd64_Packages.xz': 'xz',
    })
    try {
      const notes: VulnNote[] = []
      const {index, lists} = await readSecurityLists(root, notes)
      expect(lists).toHaveLength(2)
      expect(notes.map((n: {code: string}) => n.code).sort()).toEqual(['input-malformed', 'not-supported'])
      const {packages} = parseDpkgStatus(
        [
          pkg('libc6', 'amd64', '2.36-9+deb12u7'),
          pkg('tzdata', 'all', '2024a-0+deb12u1'),
          pkg('older', 'amd64', '1.0-2'),
          pkg('vim', 'amd64', '2:9.0'),
          pkg('zlib1g', 'amd64', '1:1.2.13.dfsg-1'),
        ].join('\n'),
      )
      const found = pendingSecurityUpdates(packages, index)
      expect(found.map((f) => [f.package, f.fixedIn])).toEqual([
        ['libc6', '2.36-9+deb12u9'],
        ['tzdata', '2024b-0+deb12u1'],
        ['zlib1g', '1:1.2.13.dfsg-1+deb12u1'],
      ])
    } finally {
      await removeRoot(root)
    }
  })
})
