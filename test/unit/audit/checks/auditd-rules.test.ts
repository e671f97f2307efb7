import {check} from '../../../../src/audit/checks/auditd-rules.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {safetensorsBytes} from '../../../helpers/rootfs.js'

const unit = {
  '/lib/systemd/systemd': '',
  '/lib/systemd/system/auditd.service': '[Service]\nExecStart=/sbin/auditd\n',
}
const rules = {
  '/sbin/auditd': '',
  '/etc/audit/rules.d/a.rules':
    '# comment\n-D\n-w /etc/passwd -p wa -k ids\n-a always,exit -F arch=b64 -S execve\n-e 2\n',
  '/srv/models/m.safetensors': safetensorsBytes(),
  '/opt/models/n.safetensors': safetensorsBytes(),
}
const files = {
  ...unit,
  '/etc/systemd/system/multi-user.target.wants/auditd.service': {link: '/lib/systemd/system/auditd.service'},
  ...rules,
}

checkTester.run(check, {
  valid: [
    {
      name: 'counts -w and -a rules, not -D or -e; reports -e 2',
      files,
      params: {minRules: 2, immutable: true},
      evidence: ['2 audit rules in /etc/audit/rules.d/a.rules', 'rules are locked until reboot (-e 2)'],
    },
    {
      name: 'model directories covered by -w and by -F dir= (with a trailing slash)',
      files: {
        ...files,
        '/etc/audit/rules.d/m.rules': '-w /srv -p wa\n-a always,exit -F dir=/opt/models/ -F perm=wa -k m\n',
      },
      params: {watchModels: true},
    },
  ],
  invalid: [
    {name: 'fewer rules than minRules', status: 'fail', files, params: {minRules: 3}},
    {
      name: 'the same rule in rules.d and the generated audit.rules counts once',
      status: 'fail',
      files: {...files, '/etc/audit/audit.rules': '-w /etc/passwd  -p wa -k ids\n'},
      params: {minRules: 3},
      includes: ['2 audit rules in /etc/audit/rules.d/a.rules, /etc/audit/audit.rules (1 repeated lines counted once)'],
    },
    {
      name: 'no auditd binary',
      status: 'fail',
      files: {'/etc/hostname': 'x'},
      evidence: ['auditd is not installed (no /sbin/auditd)'],
    },
    {
      name: 'rules but auditd.service is not enabled',
      status: 'fail',
      files: {...unit, ...rules},
      includes: ['auditd.service is not enabled'],
    },
    {
      name: 'auditing turned off by the last -e',
      status: 'fail',
      files: {...files, '/etc/audit/rules.d/z.rules': '-e 0\n'},
      includes: ['auditing is turned off (-e 0)'],
    },
    {
      name: '-e 2 required but the rules stay changeable',
      status: 'fail',
      files: {...files, '/etc/audit/rules.d/z.rules': '-e 1\n'},
      params: {immutable: true},
      includes: ['rules are not locked (-e 2 missing)'],
    },
    {
      name: '-w /srv/m does not cover /srv/models (path boundary)',
      status: 'fail',
      files: {...files, '/etc/audit/rules.d/m.rules': '-w /srv/m -p wa\n-w /opt/models -p wa\n'},
      params: {watchModels: true},
      includes: ['model directory /srv/models has no audit watch (-w /srv/models)'],
    },
    {
      name: 'a commented watch is no watch',
      status: 'fail',
      files: {...files, '/etc/audit/rules.d/m.rules': '# -w /srv/models -p wa\n-w /opt/models -p wa\n'},
      params: {watchModels: true},
      includes: ['model directory /srv/models has no audit watch (-w /srv/models)'],
    },
    {
      name: 'a model directory without a watch',
      status: 'fail',
      files,
      params: {watchModels: true},
      includes: [
        'model directory /srv/models has no audit watch (-w /srv/models)',
        'model directory /opt/models has no audit watch (-w /opt/models)',
      ],
    },
  ],
  invalidParams: [{minRules: 0}, {watchModels: 'yes'}, {immutable: 1}],
})
