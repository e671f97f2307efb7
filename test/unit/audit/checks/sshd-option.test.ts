import {check} from '../../../../src/audit/checks/sshd-option.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'

const files = {
  '/etc/ssh/sshd_config':
    'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nMatch User bob\n  PasswordAuthentication yes\n',
  '/etc/ssh/sshd_config.d/10-hard.conf': 'PermitRootLogin no\n',
}
const noRoot = {option: 'PermitRootLogin', values: ['no'], default: 'prohibit-password', user: 'root'}
const noPassword = {option: 'PasswordAuthentication', values: ['no'], default: 'yes'}
const sshd = (text: string, extra: Record<string, string> = {}) => ({'/etc/ssh/sshd_config': text, ...extra})
const idle = {option: 'ClientAliveInterval', min: 1, max: 300, default: '0'}

checkTester.run(check, {
  valid: [
    {
      name: 'a time in sshd time format within the limit (1m = 60 s)',
      files: sshd('LoginGraceTime 1M\n'),
      params: {option: 'LoginGraceTime', min: 1, max: 60, seconds: true, default: '120'},
    },
    {
      name: 'MaxStartups stricter in every part',
      files: sshd('MaxStartups 5:50:20\n'),
      params: {option: 'MaxStartups', partsMax: [10, 60, 60], default: '10:30:100'},
    },
    {
      name: 'a value that is not forbidden',
      files: sshd('Banner /etc/issue.net\n'),
      params: {option: 'Banner', forbidden: ['none'], default: 'none'},
    },
    {
      name: 'the first value wins (Include first), as in sshd',
      files,
      params: noRoot,
      evidence: ['PermitRootLogin no for user root from 203.0.113.7 (/etc/ssh/sshd_config.d/10-hard.conf:1)'],
    },
    {
      name: 'a Match block that narrows to other users does not touch root',
      files: sshd('PermitRootLogin no\nMatch User alice\n  PermitRootLogin yes\n'),
      params: noRoot,
    },
    {
      name: 'a Match block for an address that sets the hardened value',
      files: sshd('PermitRootLogin no\nMatch Address 10.0.0.0/8\n  PermitRootLogin no\n'),
      params: noRoot,
      evidenceCount: 2,
    },
    {
      name: 'the first Match block that applies wins: Match all no shadows a later Match Address * yes',
      files: sshd('PermitRootLogin no\nMatch all\n PermitRootLogin no\nMatch Address *\n PermitRootLogin yes\n'),
      params: noRoot,
    },
    {
      name: 'a stricter interval than required passes (120 ≤ 300)',
      files: sshd('ClientAliveInterval 120\n'),
      params: idle,
    },
    {
      name: 'a Match in an included file ends with that file',
      files: sshd('Include /etc/ssh/d/*.conf\nPasswordAuthentication no\n', {
        '/etc/ssh/d/a.conf': 'Match User bob\n PermitRootLogin yes\n',
      }),
      params: noPassword,
      evidence: ['PasswordAuthentication no for user llmsec-probe from 203.0.113.7 (/etc/ssh/sshd_config:2)'],
    },
  ],
  invalid: [
    {
      name: 'a forbidden value set in a Match block (Banner none)',
      status: 'fail',
      files: sshd('Banner /etc/issue.net\nMatch Address 10.*\n  Banner none\n'),
      params: {option: 'Banner', forbidden: ['none'], default: 'none', recommended: '/etc/issue.net'},
      includes: [/^Banner none for user llmsec-probe from 10\.1 .*; expected not none$/],
    },
    {
      name: 'a time beyond the limit in sshd time format (1m30s = 90 s > 60)',
      status: 'fail',
      files: sshd('LoginGraceTime 1m30s\n'),
      params: {option: 'LoginGraceTime', min: 1, max: 60, seconds: true, default: '120'},
    },
    {
      name: 'a malformed time never passes',
      status: 'fail',
      files: sshd('LoginGraceTime 30x\n'),
      params: {option: 'LoginGraceTime', min: 1, max: 60, seconds: true, default: '120'},
    },
    {
      name: 'MaxStartups whose full part is beyond its limit',
      status: 'fail',
      files: sshd('MaxStartups 10:30:100\n'),
      params: {option: 'MaxStartups', partsMax: [10, 30, 60], default: '10:30:100'},
    },
    {
      name: 'a lone MaxStartups number is both start and full',
      status: 'fail',
      files: sshd('MaxStartups 20\n'),
      params: {option: 'MaxStartups', partsMax: [10, 30, 60], default: '10:30:100'},
    },
    {
      name: 'Match Address * re-enables root log-in',
      status: 'fail',
      files: sshd('PermitRootLogin no\nMatch Address *\n  PermitRootLogin yes\n'),
      params: noRoot,
      includes: [/^PermitRootLogin yes for user root from 203\.0\.113\.7 \(Match Address \* at .*:3\); expected no$/],
    },
    {
      name: 'a Match block re-enables passwords for a subnet',
      status: 'fail',
      files: sshd(
        'PasswordAuthentication no\nMatch Address 192.168.0.0/16,!192.168.1.1\n PasswordAuthentication yes\n',
      ),
      params: noPassword,
      includes: [/^PasswordAuthentication yes for user llmsec-probe from 192\.168\.0\.0 \(Match Address/],
    },
    {
      name: 'an Include inside a Match block belongs to the block',
      status: 'fail',
      files: sshd('PermitRootLogin no\nMatch Address 10.*\n Include /etc/ssh/d/x.conf\n', {
        '/etc/ssh/d/x.conf': 'PermitRootLogin yes\n',
      }),
      params: noRoot,
      includes: [/Match Address 10\.\*/],
    },
    {
      name: 'a comment is not a value: `#PermitRootLogin no` leaves the default',
      status: 'fail',
      files: sshd('#PermitRootLogin no\n  # PermitRootLogin no\n'),
      params: noRoot,
      includes: [/^PermitRootLogin prohibit-password for user root .*sshd default/],
    },
    {
      name: 'unset takes the sshd default',
      status: 'fail',
      files,
      params: noPassword,
      includes: ['PasswordAuthentication yes for user llmsec-probe from 203.0.113.7 (sshd default); expected no'],
    },
    {
      name: 'Match User bob re-enables passwords for bob',
      status: 'fail',
      files: sshd('PasswordAuthentication no\nMatch User bob\n  PasswordAuthentication yes\n'),
      params: noPassword,
      includes: [/^PasswordAuthentication yes for user bob/],
    },
    {
      name: 'ClientAliveInterval 0 never logs idle sessions off',
      status: 'fail',
      files: sshd('ClientAliveInterval 0\n'),
      params: idle,
    },
    {
      name: 'ClientAliveInterval above the maximum',
      status: 'fail',
      files: sshd('ClientAliveInterval 900\n'),
      params: idle,
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
      live: false,
      facts: {
        sshd: {
          path: '/etc/ssh/sshd_config',
          directives: [{key: 'permitrootlogin', value: 'no', where: '/etc/ssh/sshd_config:1', match: null}],
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
      facts: {sshd: {path: null, directives: [], options: new Map(), unreadable: [denied('/etc/ssh/sshd_config')]}},
    },
  ],
  invalidParams: [
    {option: 'PermitRootLogin', values: ['no']},
    {option: 'Permit-Root', values: ['no'], default: 'x'},
    {option: 'PermitRootLogin', default: 'x'},
    {option: 'MaxStartups', partsMax: [1, 2, 3, 4], default: 'x'},
  ],
})
