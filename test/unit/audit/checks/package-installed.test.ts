import {describe, expect, it} from 'vitest'

import {compareDebianVersions} from '../../../../src/core/version.js'
import {check} from '../../../../src/audit/checks/package-installed.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'

const files = {
  '/var/lib/dpkg/status': [
    'Package: auditd\nStatus: install ok installed\nVersion: 1:3.0.9-1\n',
    'Package: telnetd\nStatus: deinstall ok config-files\nVersion: 0.17-44\n',
    '',
  ].join('\n'),
}

describe('compareDebianVersions', () => {
  it('compares epochs, ~ and numeric parts as dpkg does', () => {
    expect(compareDebianVersions('1:3.0.9-1', '3.1')).toBeGreaterThan(0)
    expect(compareDebianVersions('2.0~rc1', '2.0')).toBeLessThan(0)
    expect(compareDebianVersions('1.10', '1.9')).toBeGreaterThan(0)
  })
})

checkTester.run(check, {
  valid: [
    {name: 'an installed package', files, params: {names: ['auditd']}},
    {name: 'config-files only is not installed', files, params: {names: ['telnetd'], expect: 'absent'}},
    {name: 'at least minVersion', files, params: {names: ['auditd'], minVersion: '1:3.0.9'}},
  ],
  invalid: [
    {name: 'a missing package', status: 'fail', files, params: {names: ['chrony']}},
    {name: 'older than minVersion', status: 'fail', files, params: {names: ['auditd'], minVersion: '1:3.1'}},
    {
      name: 'no dpkg database (appliesWhen debian)',
      status: 'not-applicable',
      files: {'/etc/hostname': 'h\n'},
      params: {names: ['auditd']},
      reason: /no dpkg package database/,
    },
    {
      // "absent" must not pass because the package database could not be read.
      name: 'an unreadable dpkg database (appliesWhen debian cannot be decided)',
      status: 'error',
      params: {names: ['telnetd'], expect: 'absent'},
      facts: {packages: {source: null, packages: new Map(), unreadable: [denied('/var/lib/dpkg/status')]}},
      reason: /^cannot read \/var\/lib\/dpkg\/status: permission denied \(EACCES\)/,
    },
  ],
  invalidParams: [{names: []}, {names: ['Bad Name']}],
})
