import {check} from '../../../../src/audit/checks/mta-local-only.js'
import {checkTester} from '../../../helpers/check-tester.js'

checkTester.run(check, {
  valid: [
    {
      name: 'no MTA',
      files: {'/etc/hostname': 'h\n'},
      evidence: ['no mail transfer agent is configured (postfix, exim4)'],
    },
    {
      name: 'postfix loopback-only',
      files: {'/etc/postfix/main.cf': 'myhostname = h\ninet_interfaces = loopback-only\n'},
    },
    {
      name: 'exim4 on 127.0.0.1 and ::1',
      files: {
        '/etc/exim4/update-exim4.conf.conf':
          "dc_eximconfig_configtype='local'\ndc_local_interfaces='127.0.0.1 ; ::1'\n",
      },
    },
    {
      name: 'the running host: postfix local and nothing on port 25 beyond loopback',
      files: {'/etc/postfix/main.cf': 'inet_interfaces = localhost\n'},
      live: true,
      facts: {sockets: [{protocol: 'tcp', address: '127.0.0.1', port: 25, inode: 1, pid: 1, process: 'master'}]},
    },
  ],
  invalid: [
    {
      name: 'postfix default (all interfaces); the fix sets loopback-only',
      status: 'fail',
      files: {'/etc/postfix/main.cf': 'myhostname = h\n'},
      evidence: ['postfix listens on all (/etc/postfix/main.cf)'],
    },
    {
      name: 'exim4 on every interface',
      status: 'fail',
      files: {'/etc/exim4/update-exim4.conf.conf': "dc_local_interfaces=''\n"},
    },
    {
      name: 'the running host: a listener on 0.0.0.0:25',
      status: 'fail',
      files: {'/etc/hostname': 'h\n'},
      live: true,
      facts: {sockets: [{protocol: 'tcp', address: '0.0.0.0', port: 25, inode: 1, pid: 9, process: 'smtpd'}]},
      includes: ['smtpd listens on 0.0.0.0:25'],
    },
    {
      name: 'an unreadable main.cf: no verdict',
      status: 'error',
      files: {'/etc/postfix/main.cf': {dir: 0o755}},
      reason: /cannot read \/etc\/postfix\/main.cf/,
    },
  ],
  invalidParams: [{ports: [25]}],
})
