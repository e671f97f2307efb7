import {check} from '../../../../src/audit/checks/file-exists.js'
import {checkTester} from '../../../helpers/check-tester.js'

const files = {'/var/lib/aide/aide.db': 'db', '/etc/link': {link: '/var/lib/aide/aide.db'}}

checkTester.run(check, {
  valid: [
    {name: 'the file exists under the root', files, params: {path: '/var/lib/aide/aide.db'}},
    {name: 'a link followed inside the root', files, params: {path: '/etc/link'}},
    {name: 'absent with expect: absent', files, params: {path: '/nope', expect: 'absent'}},
  ],
  invalid: [
    {name: 'missing', status: 'fail', files, params: {path: '/nope'}, evidence: ['/nope does not exist']},
    {
      name: 'present with expect: absent',
      status: 'fail',
      files,
      params: {path: '/var/lib/aide/aide.db', expect: 'absent'},
    },
    {
      // An absolute link target is re-anchored at the root: never this machine's /etc/passwd.
      name: 'a link out of the root',
      status: 'fail',
      files: {'/etc/out': {link: '/etc/passwd'}},
      params: {path: '/etc/out'},
    },
  ],
  invalidParams: [{}, {path: 'relative'}, {path: '/x', expect: 'maybe'}],
})
