import {check} from '../../../../src/audit/checks/pwquality.js'
import {checkTester} from '../../../helpers/check-tester.js'
import type {RootSpec} from '../../../helpers/rootfs.js'

const STACK =
  'password requisite pam_pwquality.so retry=3\npassword [success=1 default=ignore] pam_unix.so obscure use_authtok yescrypt\n'
const root = (conf: string, extra: RootSpec = {}, stack = STACK): RootSpec => ({
  '/etc/pam.d/common-password': stack,
  '/etc/security/pwquality.conf': conf,
  ...extra,
})
const minlen = {setting: 'minlen' as const, min: 14}
const minclass = {setting: 'minclass' as const, min: 3}
const forRoot = {setting: 'enforce_for_root' as const}

checkTester.run(check, {
  valid: [
    {
      name: 'enforce_for_root in pwquality.conf',
      files: root('minlen = 14\nenforce_for_root\n'),
      params: forRoot,
      includes: ['enforce_for_root is set (/etc/security/pwquality.conf)'],
    },
    {
      name: 'enforce_for_root as a module argument',
      files: root('', {}, 'password requisite pam_pwquality.so retry=3 enforce_for_root\n'),
      params: forRoot,
    },
    {
      name: 'minlen = 14 in pwquality.conf (a commented lower value ignored)',
      files: root('# minlen = 8\nminlen = 14\n'),
      params: minlen,
      evidence: [
        /common-password:1: password requisite pam_pwquality.so retry=3$/,
        'minlen=14 (/etc/security/pwquality.conf)',
      ],
    },
    {name: 'a stricter value (20)', files: root('minlen=20\n'), params: minlen},
    {
      name: 'a drop-in sets it and pwquality.conf leaves it commented',
      files: root('# minlen = 8\n', {'/etc/security/pwquality.conf.d/50-site.conf': 'minlen = 15\n'}),
      params: minlen,
    },
    {
      name: 'the module argument overrides a weaker file value',
      files: root('minlen = 8\n', {}, 'password requisite pam_pwquality.so retry=3 minlen=14\n'),
      params: minlen,
    },
    {
      name: 'pam_pwquality reached through @include',
      files: {
        '/etc/pam.d/common-password': '@include site-password\n',
        '/etc/pam.d/site-password': STACK,
        '/etc/security/pwquality.conf': 'minlen = 14\n',
      },
      params: minlen,
    },
    {name: 'minclass = 3', files: root('minclass = 3\n'), params: minclass},
    {
      name: 'three negative credits demand three classes',
      files: root('dcredit = -1\nucredit = -1\nlcredit = -1\n'),
      params: minclass,
      includes: [/^3 character classes required .*negative dcredit ucredit lcredit/],
    },
  ],
  invalid: [
    {
      name: 'enforce_for_root only commented out: root is only warned',
      status: 'fail',
      files: root('minlen = 14\n# enforce_for_root\n'),
      params: forRoot,
      includes: [/enforce_for_root is not set/],
    },

    {
      name: 'pam_pwquality is not in the password stack',
      status: 'fail',
      files: root('minlen = 14\n', {}, 'password required pam_unix.so yescrypt\n'),
      params: minlen,
      includes: ['no "password … pam_pwquality.so" in the password stack of common-password'],
    },
    {
      name: 'the pam_pwquality line is commented out',
      status: 'fail',
      files: root('minlen = 14\n', {}, '#password requisite pam_pwquality.so\npassword required pam_unix.so\n'),
      params: minlen,
    },
    {
      name: 'unset: the default is 8',
      status: 'fail',
      files: root('# minlen = 14\n'),
      params: minlen,
      includes: ['minlen=8 (default); expected at least 14'],
    },
    {
      name: 'a later drop-in lowers an earlier one',
      status: 'fail',
      files: root('', {
        '/etc/security/pwquality.conf.d/10-a.conf': 'minlen = 14\n',
        '/etc/security/pwquality.conf.d/20-b.conf': 'minlen = 9\n',
      }),
      params: minlen,
      includes: ['minlen=9 (/etc/security/pwquality.conf.d/20-b.conf); expected at least 14'],
    },
    {
      name: 'pwquality.conf is read after the drop-ins and lowers them',
      status: 'fail',
      files: root('minlen = 8\n', {'/etc/security/pwquality.conf.d/50-site.conf': 'minlen = 14\n'}),
      params: minlen,
    },
    {
      name: 'a weak module argument overrides the file',
      status: 'fail',
      files: root('minlen = 14\n', {}, 'password requisite pam_pwquality.so minlen=8\n'),
      params: minlen,
      includes: [/^minlen=8 \(\/etc\/pam.d\/common-password:1\)/],
    },
    {name: 'minclass = 2', status: 'fail', files: root('minclass = 2\n'), params: minclass},
    {
      name: 'no PAM configuration',
      status: 'not-applicable',
      files: {'/etc/hostname': 'h\n'},
      params: minlen,
      reason: /\/etc\/pam.d is absent/,
    },
  ],
  invalidParams: [
    {setting: 'minlen'},
    {setting: 'maxlen', min: 1},
    {setting: 'minlen', min: 0},
    {setting: 'minlen', min: 14, service: '../x'},
  ],
})
