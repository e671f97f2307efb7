import {check} from '../../../../src/audit/checks/sshd-option.js'
import {checkTester} from '../../../helpers/check-tester.js'

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
      status: 'skip',
      files: {'/etc/hostname': 'h\n'},
      params: {option: 'PermitRootLogin', values: ['no'], default: 'yes'},
      reason: 'no SSH server (/etc/ssh/sshd_config is absent)',
    },
  ],
  invalidParams: [
    {option: 'PermitRootLogin', values: ['no']},
    {option: 'Permit-Root', values: ['no'], default: 'x'},
  ],
})
