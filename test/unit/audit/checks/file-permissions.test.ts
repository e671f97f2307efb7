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
