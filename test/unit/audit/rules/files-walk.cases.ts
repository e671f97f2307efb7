import type {RuleCaseTable} from '../../../helpers/rule-tester.js'

const ACCOUNTS = {
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n',
  '/etc/group': 'root:x:0:\nalice:x:1000:\n',
}

/** The rules on one walk of the local filesystems, run with --walk (see rule-cases.test.ts). */
export const cases: RuleCaseTable = {
  'files-world-writable': {
    fail: {name: 'a 0666 file', walk: true, files: {'/srv/app/config.yaml': {content: 'x', mode: 0o666}}},
    pass: {name: 'its 0644 twin', walk: true, files: {'/srv/app/config.yaml': {content: 'x', mode: 0o644}}},
  },
  'dirs-world-writable-sticky': {
    fail: {name: 'a 0777 directory', walk: true, files: {'/srv/drop': {dir: 0o777}}},
    pass: {name: 'a 1777 directory', walk: true, files: {'/srv/drop': {dir: 0o1777}}},
  },
  'files-unowned': {
    fail: {
      name: "a file of uid 4242, absent from the root's passwd",
      walk: true,
      files: {...ACCOUNTS, '/srv/old.log': {content: 'x', uid: 4242, gid: 1000}},
    },
    pass: {
      name: 'a file of alice (1000:1000)',
      walk: true,
      files: {...ACCOUNTS, '/srv/old.log': {content: 'x', uid: 1000, gid: 1000}},
    },
  },
}
