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
    const started = performance.now()
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
