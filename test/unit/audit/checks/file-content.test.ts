import {check} from '../../../../src/audit/checks/file-content.js'
import {checkTester} from '../../../helpers/check-tester.js'

const files = {'/etc/pam.d/common-auth': 'auth required pam_faillock.so preauth\n'}
const faillock = {path: '/etc/pam.d/common-auth', pattern: 'pam_(faillock|tally2)\\.so'}

checkTester.run(check, {
  valid: [{name: 'a line matches', files, params: faillock, includes: [/pam_faillock\.so/]}],
  invalid: [
    {name: 'a match with expect: no-match', status: 'fail', files, params: {...faillock, expect: 'no-match'}},
    {name: 'no line matches', status: 'fail', files, params: {...faillock, pattern: 'pam_tally2'}},
    {
      name: 'a missing file is not applicable by default',
      status: 'not-applicable',
      files,
      params: {path: '/x', pattern: 'a'},
      reason: '/x does not exist',
    },
    {
      name: 'a missing file with missing: fail',
      status: 'fail',
      files,
      params: {path: '/x', pattern: 'a', missing: 'fail'},
    },
  ],
  invalidParams: [
    {path: '/x'},
    {path: '/x', pattern: ''},
    {path: '/x', pattern: 'a', missing: 'warn'},
    {path: '/x', pattern: 'a', missing: 'pass'},
  ],
})
