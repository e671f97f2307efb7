import {check} from '../../../../src/audit/checks/sshd-auth-methods.js'
import {checkTester} from '../../../helpers/check-tester.js'

const sshd = (text: string) => ({'/etc/ssh/sshd_config': text})

checkTester.run(check, {
  valid: [
    {
      name: 'publickey then keyboard-interactive',
      files: sshd('AuthenticationMethods publickey,keyboard-interactive\n'),
      evidence: [/^AuthenticationMethods publickey,keyboard-interactive for user .*\(\/etc\/ssh\/sshd_config:1\)$/],
    },
    {
      name: 'two lists, each with two methods (a PAM submethod)',
      files: sshd('AuthenticationMethods publickey,keyboard-interactive:pam publickey,password\n'),
    },
    {name: 'stricter: three methods', files: sshd('AuthenticationMethods publickey,password,keyboard-interactive\n')},
  ],
  invalid: [
    {
      name: 'the default (any)',
      status: 'fail',
      files: sshd('UsePAM yes\n'),
      includes: [/^AuthenticationMethods any .*\(sshd default\); any completes with one method$/],
    },
    {name: 'commented out', status: 'fail', files: sshd('# AuthenticationMethods publickey,keyboard-interactive\n')},
    {
      name: 'one list has a single method',
      status: 'fail',
      files: sshd('AuthenticationMethods publickey,password publickey\n'),
      includes: [/; publickey completes with one method$/],
    },
    {
      name: 'two public keys are one factor',
      status: 'fail',
      files: sshd('AuthenticationMethods publickey,publickey\n'),
    },
    {
      name: 'a Match block falls back to one method',
      status: 'fail',
      files: sshd(
        'AuthenticationMethods publickey,keyboard-interactive\nMatch User deploy\n  AuthenticationMethods publickey\n',
      ),
      includes: [/^AuthenticationMethods publickey for user deploy .*completes with one method$/],
    },
    {
      name: 'the first value wins: a later stricter line does not count',
      status: 'fail',
      files: sshd('AuthenticationMethods any\nAuthenticationMethods publickey,keyboard-interactive\n'),
    },
  ],
})
