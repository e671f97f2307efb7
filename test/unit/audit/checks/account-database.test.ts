import {check, TESTS} from '../../../../src/audit/checks/account-database.js'
import {checkTester} from '../../../helpers/check-tester.js'

const passwd = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'sync:x:4:65534:sync:/bin:/bin/sync',
  'bob:x:1000:1000::/home/bob:/bin/bash',
].join('\n')
const group = 'root:x:0:\ndaemon:x:1:\nshadow:x:42:\nnogroup:x:65534:\nbob:x:1000:\n'
const shadow = 'root:$y$j9T$a$b:19000:0:99999:7:::\ndaemon:*:19000::::::\nsync:*:19000::::::\nbob:$y$x:19000::::::\n'
const db = (over: {passwd?: string; group?: string; shadow?: string | null} = {}) => ({
  '/etc/passwd': `${over.passwd ?? passwd}\n`,
  '/etc/group': over.group ?? group,
  ...(over.shadow === null ? {} : {'/etc/shadow': {content: over.shadow ?? shadow, mode: 0o640}}),
})

checkTester.run(check, {
  valid: [
    ...TESTS.map((test) => ({name: `a consistent Debian database: ${test}`, files: db(), params: {test}})),
    {
      name: 'UID_MIN of login.defs decides what is a system account',
      files: {...db({passwd: `${passwd}\nsvc:x:600:600::/srv:/bin/sh`}), '/etc/login.defs': 'UID_MIN 500\n'},
      params: {test: 'system-shells'},
    },
  ],
  invalid: [
    {
      name: 'a second UID 0 account',
      status: 'fail',
      files: db({passwd: `${passwd}\ntoor:x:0:0::/root:/bin/sh`}),
      params: {test: 'single-uid0'},
      evidence: ['toor has UID 0'],
    },
    {
      name: 'a second GID 0 group',
      status: 'fail',
      files: db({group: `${group}wheel:x:0:\n`}),
      params: {test: 'root-gid0'},
      evidence: ['group wheel has GID 0'],
    },
    {
      name: 'two accounts with UID 1000',
      status: 'fail',
      files: db({passwd: `${passwd}\nalice:x:1000:1000::/home/alice:/bin/bash`}),
      params: {test: 'unique-uids'},
      evidence: ['UID 1000: bob, alice'],
    },
    {
      name: 'two groups with GID 42',
      status: 'fail',
      files: db({group: `${group}other:x:42:\n`}),
      params: {test: 'unique-gids'},
    },
    {
      name: 'a user name twice',
      status: 'fail',
      files: db({passwd: `${passwd}\nbob:x:0:0::/root:/bin/bash`}),
      params: {test: 'unique-user-names'},
      evidence: ['user bob: UID 1000, UID 0'],
    },
    {
      name: 'a group name twice',
      status: 'fail',
      files: db({group: `${group}bob:x:0:\n`}),
      params: {test: 'unique-group-names'},
    },
    {
      name: 'a primary group missing from /etc/group',
      status: 'fail',
      files: db({passwd: `${passwd}\ncarol:x:1001:1001::/home/carol:/bin/bash`}),
      params: {test: 'groups-exist'},
      evidence: ["carol's GID 1001 is not in /etc/group"],
    },
    {
      name: 'a member of the shadow group',
      status: 'fail',
      files: db({group: group.replace('shadow:x:42:', 'shadow:x:42:bob')}),
      params: {test: 'shadow-group-empty'},
      evidence: ['bob is a member of group shadow'],
    },
    {
      name: 'an empty password field',
      status: 'fail',
      files: db({shadow: shadow.replace('bob:$y$x:', 'bob::')}),
      params: {test: 'no-empty-passwords'},
      evidence: ['bob has an empty password'],
    },
    {
      name: 'a system account with a shell (an empty shell field is /bin/sh)',
      status: 'fail',
      files: db({passwd: passwd.replace('/usr/sbin/nologin', '')}),
      params: {test: 'system-shells'},
      evidence: ['system account daemon (UID 1) has the log-in shell (empty: /bin/sh)'],
    },
    {
      name: 'a no-shell account with a password hash',
      status: 'fail',
      files: db({shadow: shadow.replace('daemon:*:', 'daemon:$y$abc:')}),
      params: {test: 'locked-without-shell'},
      evidence: ['daemon has no log-in shell but an unlocked password'],
    },
    {
      name: 'no /etc/shadow: password fields are unknown, never a pass',
      status: 'error',
      files: db({shadow: null}),
      params: {test: 'no-empty-passwords'},
    },
    {
      name: 'an unreadable /etc/shadow is an error',
      status: 'error',
      files: {...db({shadow: null}), '/etc/shadow': {dir: 0o700}},
      params: {test: 'no-empty-passwords'},
      reason: /cannot read \/etc\/shadow/,
    },
    {
      name: 'no accounts at all never pass',
      status: 'error',
      files: {'/etc/group': group},
      params: {test: 'single-uid0'},
    },
  ],
  invalidParams: [{}, {test: 'everything'}],
})
