import {check} from '../../../../src/audit/checks/file-permissions.js'
import {checkTester} from '../../../helpers/check-tester.js'

const files = {
  '/etc/passwd': 'root:x:0:0::/root:/bin/bash\nbob:x:1000:1000::/home/bob:/bin/bash\n',
  '/home/bob/.ollama/history': {content: 'hi', mode: 0o644},
  '/root/.ollama/history': {content: 'hi', mode: 0o600},
}

checkTester.run(check, {
  valid: [{name: 'every existing path complies', files, params: {paths: ['/root/.ollama/history'], maxMode: '0600'}}],
  invalid: [
    {
      name: 'a glob in the last component stands for every entry it matches',
      status: 'fail',
      files: {
        '/etc/ssh/ssh_host_ed25519_key': {content: 'k', mode: 0o600},
        '/etc/ssh/ssh_host_rsa_key': {content: 'k', mode: 0o640},
        '/etc/ssh/ssh_host_rsa_key.pub': {content: 'k', mode: 0o644},
      },
      params: {paths: ['/etc/ssh/ssh_host_*_key'], maxMode: '0600', owner: 'root'},
      evidence: [/^\/etc\/ssh\/ssh_host_rsa_key mode 0640 uid 0 \(allowed at most 0600, owner root\)$/],
    },
    {
      name: 'a glob whose directory cannot be read is an error, not a pass',
      status: 'error',
      // A link that points at itself: listing it fails with ELOOP (root cannot be denied a read).
      files: {'/etc/ssh': {link: '/etc/ssh'}},
      params: {paths: ['/etc/ssh/ssh_host_*_key'], maxMode: '0600'},
    },
    {
      name: '~ expands to every home; a mode beyond maxMode fails',
      status: 'fail',
      files,
      params: {paths: ['~/.ollama/history'], maxMode: '0600'},
      evidence: [/\/home\/bob\/\.ollama\/history mode 0644/],
      location: '/home/bob/.ollama/history',
    },
    {
      name: 'none of the paths exists',
      status: 'not-applicable',
      files,
      params: {paths: ['/nope'], maxMode: '0600'},
      reason: /none of \/nope exists/,
    },
  ],
  invalidParams: [
    {paths: [], maxMode: '0600'},
    {paths: ['rel'], maxMode: '0600'},
    {paths: ['/x'], maxMode: 'rw'},
  ],
})
