import {check} from '../../../../src/audit/checks/security-updates-pending.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {UPGRADED, vulnRootSpec} from '../../../helpers/vuln-root.js'

checkTester.run(check, {
  valid: [{name: 'every package at the security suite version', files: vulnRootSpec(UPGRADED)}],
  invalid: [
    {
      name: 'openssl older than bookworm-security',
      status: 'fail',
      files: vulnRootSpec(),
      includes: [
        /^openssl 3\.0\.11-1~deb12u2 \(\/var\/lib\/dpkg\/status\): security update 3\.0\.15-1~deb12u1 .*; fixed in 3\.0\.15-1~deb12u1$/,
      ],
    },
    {
      // A package whose version cannot be compared might be the vulnerable one: never a pass.
      name: 'an installed version that is not Debian-valid',
      status: 'error',
      files: {'/var/lib/dpkg/status': 'Package: odd\nStatus: install ok installed\nVersion: not valid\n'},
      reason: /odd: version "not valid" is not a valid Debian version/,
    },
    {
      // A RHEL-family root: its packages are unknown, never "not applicable".
      name: 'an rpm database that cannot be read',
      status: 'error',
      files: {'/var/lib/rpm/rpmdb.sqlite': 'SQLite format 3'},
      reason: /rpm database that could not be read/,
    },
    {
      // An empty comparison is not "nothing pending": the list was never fetched, or no -security source exists.
      name: 'packages but no security suite list',
      status: 'fail',
      files: {'/var/lib/dpkg/status': 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n'},
      evidence: [/^no security suite list in \/var\/lib\/apt\/lists .*run apt-get update$/],
    },
    {
      name: 'no dpkg database',
      status: 'not-applicable',
      files: {'/etc/hostname': 'h\n'},
      reason: /no dpkg package database/,
    },
  ],
})
