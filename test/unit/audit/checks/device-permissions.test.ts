import {existsSync} from 'node:fs'

import {check} from '../../../../src/audit/checks/device-permissions.js'
import {checkTester} from '../../../helpers/check-tester.js'

// Real device nodes of this host: /dev/null is 0666.
checkTester.run(check, {
  valid: [{name: '/dev/null within 0666', params: {prefix: 'null', maxMode: '0666'}}],
  invalid: [
    {
      name: '/dev/null beyond 0660',
      status: 'fail',
      params: {prefix: 'null', maxMode: '0660'},
      evidence: [/^\/dev\/null mode 0666/],
    },
    ...(existsSync('/dev/nvidia0')
      ? []
      : [
          {
            name: 'no node has the prefix',
            status: 'not-applicable' as const,
            params: {prefix: 'nvidia', maxMode: '0660'},
            reason: 'no /dev/nvidia* device nodes on this host',
          },
        ]),
    {
      name: 'under --root (device nodes are the running host’s)',
      status: 'not-applicable',
      files: {'/dev/null': ''},
      params: {prefix: 'null', maxMode: '0660'},
      reason: /needs the running host/,
    },
  ],
  invalidParams: [{prefix: 'null'}, {prefix: '../x', maxMode: '0660'}, {prefix: 'null', maxMode: '0999'}],
})
