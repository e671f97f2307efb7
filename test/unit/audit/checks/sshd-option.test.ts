import {check} from '../../../../src/audit/checks/sshd-option.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'

const files = {
  '/etc/ssh/sshd_config':
    'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nMatch User bob\n  PasswordAuthentication yes\n',
  '/etc/ssh/sshd_config.d/10-hard.conf': 'PermitRootLogin no\n',
}

checkTester.run(check, {
  valid: [
    {
      name: 'the first value wins (Include first), as in sshd',
      files,
      params: {option: 'PermitRootLogin', values: ['no'], default: 'prohibit-password'},
      evidence: ['PermitRootLogin no'],
    },
  ],
  invalid: [
    {
      name: 'unset takes the sshd default; Match blocks are ignored',
      status: 'fail',
      files,
      params: {option: 'PasswordAuthentication', values: ['no'], default: 'yes'},
      evidence: ['PasswordAuthentication yes (sshd default); expected no'],
    },
    {
      name: 'no SSH server (appliesWhen ssh-server)',
      status: 'not-applicable',
      files: {'/etc/hostname': 'h\n'},
      params: {option: 'PermitRootLogin', values: ['no'], default: 'yes'},
      reason: 'no SSH server (/etc/ssh/sshd_config is absent)',
    },
    {
      // sshd takes the first value: an unread Include could set it before the one that was read.
      name: 'a compliant value with an unreadable Include',
      status: 'error',
      params: {option: 'PermitRootLogin', values: ['no'], default: 'yes'},
      facts: {
        sshd: {
          path: '/etc/ssh/sshd_config',
          options: new Map([['permitrootlogin', 'no']]),
          unreadable: [denied('/etc/ssh/sshd_config.d/50-cloud.conf')],
        },
      },
      reason: /^cannot read \/etc\/ssh\/sshd_config\.d\/50-cloud\.conf/,
    },
    {
      name: 'an sshd_config that cannot even be found (appliesWhen ssh-server cannot be decided)',
      status: 'error',
      params: {option: 'PermitRootLogin', values: ['no'], default: 'yes'},
      facts: {sshd: {path: null, options: new Map(), unreadable: [denied('/etc/ssh/sshd_config')]}},
    },
  ],
  invalidParams: [
    {option: 'PermitRootLogin', values: ['no']},
    {option: 'Permit-Root', values: ['no'], default: 'x'},
  ],
})
