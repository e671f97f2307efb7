import {check} from '../../../../src/audit/checks/pam-faillock.js'
import {checkTester} from '../../../helpers/check-tester.js'

const debian = [
  'auth    required                        pam_faillock.so preauth',
  'auth    [success=1 default=ignore]      pam_unix.so nullok',
  'auth    [default=die]                   pam_faillock.so authfail',
  'auth    requisite                       pam_deny.so',
  'auth    required                        pam_permit.so',
  '',
].join('\n')
const params = {service: 'sshd'}
const sshd = (common: string, extra: Record<string, string> = {}) => ({
  '/etc/pam.d/sshd':
    '# PAM configuration for the Secure Shell service\n@include common-auth\naccount required pam_nologin.so\n',
  '/etc/pam.d/common-auth': common,
  ...extra,
})

checkTester.run(check, {
  valid: [
    {
      name: 'preauth and authfail in common-auth, reached through @include',
      files: sshd(debian),
      params,
      evidence: [
        '/etc/pam.d/common-auth:1: auth required pam_faillock.so preauth',
        '/etc/pam.d/common-auth:3: auth [default=die] pam_faillock.so authfail',
        'deny=3',
      ],
    },
    {
      name: 'deny from faillock.conf within maxDeny, through an include control',
      files: {
        '/etc/pam.d/login': 'auth include system-auth\n',
        '/etc/pam.d/system-auth': debian,
        '/etc/security/faillock.conf': '# deny = 10\ndeny = 5\nunlock_time = 900\n',
      },
      params: {service: 'login', maxDeny: 5},
      includes: ['deny=5'],
    },
  ],
  invalid: [
    {
      name: 'a commented faillock line is no faillock',
      status: 'fail',
      files: sshd(
        '# auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so\n#auth [default=die] pam_faillock.so authfail\n',
      ),
      params,
      includes: ['no "auth … pam_faillock.so preauth" in the auth stack of sshd'],
    },
    {
      name: 'preauth without authfail never counts a failure',
      status: 'fail',
      files: sshd('auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so\n'),
      params,
      includes: ['no "auth … pam_faillock.so authfail" in the auth stack of sshd'],
    },
    {
      name: 'faillock in an account line only',
      status: 'fail',
      files: sshd('auth [success=1 default=ignore] pam_unix.so\naccount required pam_faillock.so\n'),
      params,
    },
    {
      name: 'the service does not include the file that has faillock',
      status: 'fail',
      files: sshd('auth [success=1 default=ignore] pam_unix.so\n', {'/etc/pam.d/other-auth': debian}),
      params,
    },
    {
      name: 'deny=0 in faillock.conf never locks',
      status: 'fail',
      files: sshd(debian, {'/etc/security/faillock.conf': 'deny = 0\n'}),
      params,
      includes: ['deny=0 never locks the account'],
    },
    {
      name: 'deny on the module line above maxDeny',
      status: 'fail',
      files: sshd(debian.replace('authfail', 'authfail deny=20')),
      params: {service: 'sshd', maxDeny: 5},
      includes: ['deny=20 allows more than 5 failures'],
    },
    {
      name: 'no PAM at all',
      status: 'not-applicable',
      files: {'/etc/hostname': 'h\n'},
      params,
      reason: 'no PAM configuration (/etc/pam.d is absent)',
    },
  ],
  invalidParams: [{}, {service: '../shadow'}, {service: 'sshd', maxDeny: 0}],
})
