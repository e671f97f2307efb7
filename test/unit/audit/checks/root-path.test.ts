import {chown} from 'node:fs/promises'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {check, classifyEntry, pathSettings} from '../../../../src/audit/checks/root-path.js'
import {checkTester} from '../../../helpers/check-tester.js'

const usr = {'/usr/local/sbin': {dir: 0o755}, '/usr/sbin': {dir: 0o755}, '/usr/bin': {dir: 0o755}}

describe('pathSettings', () => {
  it('reads PATH assignments, quoted or exported, and skips comments, MANPATH and ENV_PATH', () => {
    const text = [
      '# PATH=.',
      'export PATH="/a:$PATH"; MANPATH=/m',
      "if [ x ]; then PATH='/b'; fi",
      'ENV_SUPATH\tPATH=/c',
      'ENV_PATH PATH=/users',
    ].join('\n')
    expect(pathSettings({path: '/f', text})).toEqual([
      {value: '/a:$PATH', where: '/f:2'},
      {value: '/b', where: '/f:3'},
      {value: '/c', where: '/f:4'},
    ])
  })

  it('returns only values that occur in the text, one per PATH= or PATH+= at most (property)', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 2000}), (text) => {
        const settings = pathSettings({path: '/f', text})
        expect(settings.length).toBeLessThanOrEqual(text.split(/PATH\+?=/).length - 1)
        for (const s of settings) expect(text).toContain(s.value)
      }),
      {numRuns: 300},
    )
  })
})

describe('classifyEntry', () => {
  it('resolves $HOME and ~ to root home, refuses what it cannot resolve', () => {
    expect(classifyEntry('$HOME/bin', '/root')).toEqual({dir: '/root/bin'})
    expect(classifyEntry('~/bin', '/root')).toEqual({dir: '/root/bin'})
    expect(classifyEntry('${PATH}', '/root')).toEqual({inherited: true})
    expect(classifyEntry('$GOPATH/bin', '/root')).toHaveProperty('problem')
    expect(classifyEntry('$HOMEDIR/bin', '/root')).toHaveProperty('problem')
    expect(classifyEntry('bin', '/root')).toHaveProperty('problem')
    expect(classifyEntry('', '/root')).toHaveProperty('problem')
  })
})

checkTester.run(check, {
  valid: [
    {name: "no PATH set anywhere: login's default, root-owned", files: {'/etc/login.defs': 'UMASK 027\n'}},
    {
      name: "Debian's /etc/profile and login.defs",
      files: {
        ...usr,
        '/etc/login.defs': 'ENV_SUPATH PATH=/usr/local/sbin:/usr/sbin:/usr/bin\nENV_PATH PATH=/usr/bin\n',
        '/etc/profile': 'if [ "$(id -u)" -eq 0 ]; then\n  PATH="/usr/local/sbin:/usr/sbin:/usr/bin"\nfi\nexport PATH\n',
      },
    },
  ],
  invalid: [
    {
      name: 'a trailing colon (the current directory)',
      status: 'fail',
      files: {...usr, '/root/.bashrc': 'export PATH="$PATH:"\n'},
      includes: ['/root/.bashrc:1: an empty entry (the current directory)'],
      location: '/root/.bashrc',
    },
    {
      name: "bash's append form PATH+=",
      status: 'fail',
      files: {...usr, '/root/.bashrc': 'PATH+=":."\n'},
      includes: ['/root/.bashrc:1: . is relative (resolved against the current directory)'],
    },
    {
      name: 'a world-writable directory, even sticky',
      status: 'fail',
      files: {...usr, '/opt/tools/bin': {dir: 0o1777}, '/etc/profile.d/tools.sh': 'PATH=/opt/tools/bin:$PATH\n'},
      includes: ['/etc/profile.d/tools.sh:1: /opt/tools/bin is mode 1777 (group- or world-writable)'],
    },
    {
      name: 'a missing directory under a group-writable parent',
      status: 'fail',
      files: {...usr, '/opt': {dir: 0o775}, '/etc/environment': 'PATH="/usr/bin:/opt/new/bin"\n'},
      includes: [
        '/etc/environment:1: /opt/new/bin does not exist; its parent /opt is mode 0775 (group- or world-writable)',
      ],
    },
    {
      name: 'a directory another account owns',
      status: 'fail',
      files: {...usr, '/home/alice/bin': {dir: 0o755}, '/root/.profile': 'PATH=/home/alice/bin:$PATH\n'},
      setup: (root) => chown(join(root, 'home/alice/bin'), 1000, 1000),
      includes: ['/root/.profile:1: /home/alice/bin is owned by uid 1000'],
    },
    {
      name: 'a variable that cannot be resolved',
      status: 'fail',
      files: {'/root/.profile': 'PATH=$CARGO_HOME/bin:$PATH\n'},
      includes: [/\$CARGO_HOME\/bin depends on a variable/],
    },
    {
      name: "login.defs' ENV_SUPATH with a relative entry",
      status: 'fail',
      files: {...usr, '/etc/login.defs': 'ENV_SUPATH PATH=/usr/sbin:bin\n'},
      includes: ['/etc/login.defs:1: bin is relative (resolved against the current directory)'],
    },
  ],
})
