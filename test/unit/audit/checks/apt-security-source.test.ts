import {check} from '../../../../src/audit/checks/apt-security-source.js'
import {expect, it} from 'vitest'

import {checkTester, runCase} from '../../../helpers/check-tester.js'
import type {RootSpec} from '../../../helpers/rootfs.js'

const debian = (extra: RootSpec): RootSpec => ({
  '/var/lib/dpkg/status': 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n',
  '/etc/os-release': 'ID=debian\nVERSION_CODENAME=bookworm\n',
  ...extra,
})
const MAIN = 'deb http://deb.debian.org/debian bookworm main\n'
const DEB822 = 'Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n'

checkTester.run(check, {
  valid: [
    {
      name: 'a one-line security source with options',
      files: debian({
        '/etc/apt/sources.list': `${MAIN}deb [arch=amd64] http://security.debian.org/debian-security bookworm-security main\n`,
      }),
      evidence: [
        '/etc/apt/sources.list:2: deb [arch=amd64] http://security.debian.org/debian-security bookworm-security main',
      ],
    },
    {
      name: 'a deb822 stanza in sources.list.d',
      files: debian({
        '/etc/apt/sources.list.d/debian.sources': `Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\n\n${DEB822}`,
      }),
    },
    {
      name: 'a *.list drop-in',
      files: debian({
        '/etc/apt/sources.list.d/security.list':
          'deb http://security.debian.org/debian-security bookworm-security main\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'only the main suite',
      status: 'fail',
      files: debian({'/etc/apt/sources.list': MAIN}),
      evidence: [
        'none of the 1 enabled APT sources is a security suite',
        '/etc/apt/sources.list:1: deb http://deb.debian.org/debian bookworm main',
      ],
    },
    {
      name: 'the security line is commented out',
      status: 'fail',
      files: debian({
        '/etc/apt/sources.list': `${MAIN}# deb http://security.debian.org/debian-security bookworm-security main\n`,
      }),
    },
    {
      name: 'only a deb-src security line',
      status: 'fail',
      files: debian({
        '/etc/apt/sources.list': `${MAIN}deb-src http://security.debian.org/debian-security bookworm-security main\n`,
      }),
    },
    {
      name: 'a deb822 security stanza with Enabled: no',
      status: 'fail',
      files: debian({'/etc/apt/sources.list.d/debian.sources': `${DEB822}Enabled: no\n`}),
    },
    {
      name: 'a security stanza in a file apt does not read (*.sources.bak)',
      status: 'fail',
      files: debian({'/etc/apt/sources.list.d/debian.sources.bak': DEB822}),
    },
    {
      name: 'no dpkg database',
      status: 'not-applicable',
      files: {'/etc/apt/sources.list': MAIN},
      reason: /no dpkg package database/,
    },
  ],
})

it('names the suite from VERSION_ID when os-release has no VERSION_CODENAME', async () => {
  const files = {...debian({'/etc/apt/sources.list': MAIN}), '/etc/os-release': 'ID=debian\nVERSION_ID="12"\n'}
  const out = await runCase(check, {name: 'no codename', files})
  expect(out.fix?.edits).toEqual([
    {
      op: 'append',
      path: '/etc/apt/sources.list',
      line: 'deb http://security.debian.org/debian-security bookworm-security main',
    },
  ])
})
