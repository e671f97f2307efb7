import {check} from '../../../../src/audit/checks/sudoers.js'
import {checkTester} from '../../../helpers/check-tester.js'

const debian =
  'Defaults\tenv_reset\nDefaults\tuse_pty\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n'
const sudoers = (main: string, extra: Record<string, string | {link: string}> = {}) => ({
  '/etc/sudoers': main,
  ...extra,
})

checkTester.run(check, {
  valid: [
    {name: "Debian's default sudoers has use_pty", files: sudoers(debian), params: {test: 'use-pty'}},
    {
      name: 'logfile in an included drop-in',
      files: sudoers(debian, {'/etc/sudoers.d/ops': 'Defaults logfile = "/var/log/sudo.log"\n'}),
      params: {test: 'logfile'},
      evidence: ['Defaults logfile="/var/log/sudo.log" (/etc/sudoers.d/ops:1)'],
    },
    {
      name: 'NOPASSWD for one command is allowed',
      files: sudoers(debian, {'/etc/sudoers.d/backup': 'backup ALL=(root) NOPASSWD: /usr/bin/rsync\n'}),
      params: {test: 'no-nopasswd-all'},
    },
    {
      name: 'a drop-in whose name has a dot is not read by sudo',
      files: sudoers(debian, {'/etc/sudoers.d/old.bak': 'bob ALL=(ALL) NOPASSWD: ALL\n'}),
      params: {test: 'no-nopasswd-all'},
    },
    {
      name: 'a commented !authenticate',
      files: sudoers(`${debian}# Defaults !authenticate\n`),
      params: {test: 'no-authenticate-off'},
    },
  ],
  invalid: [
    {
      name: 'a later !use_pty wins',
      status: 'fail',
      files: sudoers(debian, {'/etc/sudoers.d/z': 'Defaults !use_pty\n'}),
      params: {test: 'use-pty'},
      evidence: ['Defaults !use_pty (/etc/sudoers.d/z:1)'],
    },
    {
      name: 'use_pty only for one user is not global',
      status: 'fail',
      files: sudoers('Defaults:bob use_pty\n'),
      params: {test: 'use-pty'},
    },
    {name: 'no logfile', status: 'fail', files: sudoers(debian), params: {test: 'logfile'}},
    {
      name: 'NOPASSWD: ALL through #includedir, with a continuation line',
      status: 'fail',
      files: sudoers('#includedir /etc/sudoers.d\n', {'/etc/sudoers.d/ci': 'ci ALL=(ALL) \\\n  NOPASSWD: ALL\n'}),
      params: {test: 'no-nopasswd-all'},
      evidence: ['/etc/sudoers.d/ci:1: ci ALL=(ALL)    NOPASSWD: ALL'],
    },
    {
      name: 'NOPASSWD with another tag before ALL',
      status: 'fail',
      files: sudoers('%adm ALL=(ALL) NOPASSWD:SETENV: ALL\n'),
      params: {test: 'no-nopasswd-all'},
    },
    {
      name: 'Defaults:user !authenticate',
      status: 'fail',
      files: sudoers(`${debian}Defaults:deploy env_keep+=HOME, !authenticate\n`),
      params: {test: 'no-authenticate-off'},
    },
    {
      name: 'an unreadable include is an error, never a pass',
      status: 'error',
      files: sudoers(`${debian}@include /etc/sudoers.local\n`, {'/etc/sudoers.local': {link: '/etc/sudoers.local'}}),
      params: {test: 'no-nopasswd-all'},
    },
    {
      name: 'no sudoers: not applicable',
      status: 'not-applicable',
      files: {'/etc/hostname': 'h\n'},
      params: {test: 'use-pty'},
    },
  ],
  invalidParams: [{}, {test: 'all'}],
})
