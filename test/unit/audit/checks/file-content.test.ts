import {check} from '../../../../src/audit/checks/file-content.js'
import {checkTester} from '../../../helpers/check-tester.js'

const files = {'/etc/pam.d/common-auth': 'auth required pam_faillock.so preauth\n'}
const faillock = {path: '/etc/pam.d/common-auth', pattern: 'pam_(faillock|tally2)\\.so'}
const notice = {path: '/etc/issue', pattern: '(?i)authori[sz]ed', alsoMatch: ['(?i)monitor', '(?i)prohibit']}
const issue = (text: string) => ({'/etc/issue': text})

checkTester.run(check, {
  valid: [
    {name: 'a line matches', files, params: faillock, includes: [/pam_faillock\.so/]},
    {
      name: 'alsoMatch: every pattern matches, on different lines',
      files: issue('Monitored system.\nAuthorized users only; all else prohibited.\n'),
      params: notice,
    },
  ],
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
    {
      name: 'alsoMatch: the main pattern matches but one of the others does not (named)',
      status: 'fail',
      files: issue('Authorized users only. Activity is monitored.\n'),
      params: notice,
      evidence: [/no line matches \/\(\?i\)prohibit\//],
    },
    {
      name: 'alsoMatch: the others match but the main pattern does not',
      status: 'fail',
      files: issue('Monitored. Prohibited.\n'),
      params: notice,
    },
  ],
  invalidParams: [
    {path: '/x', pattern: 'a', alsoMatch: ['']},
    {path: '/x', pattern: 'a', alsoMatch: 'b'},
    {path: '/x'},
    {path: '/x', pattern: ''},
    {path: '/x', pattern: 'a', missing: 'warn'},
    {path: '/x', pattern: 'a', missing: 'pass'},
  ],
})
