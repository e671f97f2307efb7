import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {expect, it} from 'vitest'

import {check} from '../../../../src/audit/checks/auditd-events.js'
import {mapLimited} from '../../../../src/core/arrays.js'
import {checkTester, runCase} from '../../../helpers/check-tester.js'

const rules = (text: string) => ({'/etc/audit/rules.d/50-x.rules': text})
const time = {key: 'time-change', syscalls: ['adjtimex', 'settimeofday'], paths: ['/etc/localtime']}

checkTester.run(check, {
  valid: [
    {
      name: 'both arches, a watch with -p wa',
      files: rules(
        '-a always,exit -F arch=b64 -S adjtimex,settimeofday -k t\n-a exit,always -F arch=b32 -S adjtimex -S settimeofday\n-w /etc/localtime -p wa -k t\n',
      ),
      params: time,
      evidence: [/^time-change: every path and system call is recorded \(3 rules/],
    },
    {
      name: 'a watch on a parent directory, a rule without arch, -w without -p',
      files: rules('-w /etc -k etc\n-a always,exit -S adjtimex,settimeofday -F auid>=1000\n'),
      params: time,
    },
    {
      name: 'every set-uid program has an execution rule',
      files: {
        ...rules('-a always,exit -F path=/usr/bin/su -F perm=x -F auid>=1000 -k priv\n'),
        '/usr/bin/su': {content: '', mode: 0o4755},
        '/usr/bin/ls': {content: '', mode: 0o755},
      },
      params: {key: 'privileged', setuidIn: ['/usr/bin']},
    },
  ],
  invalid: [
    {
      name: 'only b64, and a read-only watch',
      status: 'fail',
      files: rules('-a always,exit -F arch=b64 -S adjtimex,settimeofday\n-w /etc/localtime -p r\n'),
      params: time,
      includes: [
        'no watch records wa on /etc/localtime',
        'adjtimex (b32) is not recorded',
        'settimeofday (b32) is not recorded',
      ],
    },
    {
      name: 'an entry rule is not an exit rule; a watch on /etc/local does not cover /etc/localtime',
      status: 'fail',
      files: rules('-a always,entry -S adjtimex,settimeofday\n-w /etc/local -p wa\n'),
      params: {...time, arches: ['b64']},
      evidenceCount: 4,
    },
    {
      name: 'no rules at all (auditd not installed)',
      status: 'fail',
      files: {'/etc/hostname': 'h\n'},
      params: {key: 'identity', paths: ['/etc/passwd']},
      evidence: ['no watch records wa on /etc/passwd', '0 rules in no rules file'],
    },
    {
      name: 'a set-uid program without a rule',
      status: 'fail',
      files: {...rules('-w /etc/passwd -p wa\n'), '/usr/sbin/unix_chkpwd': {content: '', mode: 0o2755}},
      params: {key: 'privileged', setuidIn: ['/usr/sbin']},
      includes: ['running the privileged program /usr/sbin/unix_chkpwd is not recorded'],
    },
    {
      name: 'a directory of more entries than are looked at: no verdict, not a pass on a partial list',
      status: 'error',
      files: rules('-w /etc/passwd -p wa\n'),
      async setup(root) {
        await mkdir(join(root, 'usr/bin'), {recursive: true})
        const names = Array.from({length: 10_001}, (_, i) => join(root, 'usr/bin', `p${i}`))
        await mapLimited(names, 64, (path) => writeFile(path, ''))
      },
      params: {key: 'privileged', setuidIn: ['/usr/bin']},
      reason: /\/usr\/bin.*more than 10000 entries/,
    },
    {
      name: 'an unreadable rules directory: no verdict',
      status: 'error',
      files: {'/etc/audit/rules.d': {content: 'not a directory', mode: 0o644}},
      facts: {
        auditd: {
          rulesFiles: [],
          rules: ['-w /etc/passwd -p wa'],
          ruleCount: 1,
          duplicates: 0,
          watches: ['/etc/passwd'],
          enabled: null,
          unreadable: [{path: '/etc/audit/rules.d', code: 'EACCES', reason: 'permission denied (EACCES)'}],
        },
      },
      params: {key: 'identity', paths: ['/etc/passwd']},
      reason: /cannot read \/etc\/audit\/rules.d/,
    },
  ],
  invalidParams: [
    {},
    {key: 'Bad Key'},
    {key: 'k', paths: ['relative']},
    {key: 'k', arches: ['x86']},
    {key: 'k', permissions: 'z'},
  ],
})

it('the fix writes one rules file for the class, sorted before a 99- lock file', async () => {
  const out = await runCase(check, {name: 'fix', files: {'/etc/hostname': 'h\n'}, params: time})
  expect(out.fix?.edits).toEqual([
    {
      op: 'write',
      path: '/etc/audit/rules.d/50-llmsec-time-change.rules',
      mode: '0640',
      content:
        '-w /etc/localtime -p wa -k time-change\n-a always,exit -F arch=b64 -S adjtimex,settimeofday -k time-change\n-a always,exit -F arch=b32 -S adjtimex,settimeofday -k time-change\n',
    },
  ])
})
