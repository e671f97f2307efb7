import {check} from '../../../../src/audit/checks/auditd-rules.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {safetensorsBytes} from '../../../helpers/rootfs.js'

const files = {
  '/sbin/auditd': '',
  '/etc/audit/rules.d/a.rules':
    '# comment\n-D\n-w /etc/passwd -p wa -k ids\n-a always,exit -F arch=b64 -S execve\n-e 2\n',
  '/srv/models/m.safetensors': safetensorsBytes(),
  '/opt/models/n.safetensors': safetensorsBytes(),
}

checkTester.run(check, {
  valid: [
    {
      name: 'counts -w and -a rules, not -D or -e',
      files,
      params: {minRules: 2},
      evidence: ['2 audit rules in /etc/audit/rules.d/a.rules'],
    },
    {
      name: 'model directories covered by a watch',
      files: {...files, '/etc/audit/rules.d/m.rules': '-w /srv/models -p wa\n-w /opt/models/ -p wa\n'},
      params: {watchModels: true},
    },
  ],
  invalid: [
    {name: 'fewer rules than minRules', status: 'fail', files, params: {minRules: 3}},
    {
      name: 'no auditd binary',
      status: 'fail',
      files: {'/etc/hostname': 'x'},
      evidence: ['auditd is not installed (no /sbin/auditd)'],
    },
    {
      name: 'a model directory without a watch',
      status: 'fail',
      files,
      params: {watchModels: true},
      includes: [
        'model directory /srv/models has no audit watch (-w)',
        'model directory /opt/models has no audit watch (-w)',
      ],
    },
  ],
  invalidParams: [{minRules: 0}, {watchModels: 'yes'}],
})
