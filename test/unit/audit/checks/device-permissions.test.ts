import {existsSync} from 'node:fs'

import {check} from '../../../../src/audit/checks/device-permissions.js'
import {checkTester} from '../../../helpers/check-tester.js'

const node = (mode: number) => ({content: '', mode})

// The host's real /dev/null is 0666; crafted roots hold regular files in place of device nodes.
checkTester.run(check, {
  valid: [
    {name: 'this host: /dev/null within 0666', params: {prefix: 'null', maxMode: '0666'}},
    {
      name: 'nodes at 0660 and 0600, the caps directory 0755 with 0400 nodes',
      files: {
        '/dev/nvidia0': node(0o660),
        '/dev/nvidiactl': node(0o600),
        '/dev/nvidia-caps': {dir: 0o755},
        '/dev/nvidia-caps/nvidia-cap1': node(0o400),
      },
      params: {prefix: 'nvidia', maxMode: '0660'},
      evidenceCount: 3,
    },
  ],
  invalid: [
    {
      name: 'this host: /dev/null beyond 0660',
      status: 'fail',
      params: {prefix: 'null', maxMode: '0660'},
      evidence: [/^\/dev\/null mode 0666/],
    },
    ...(existsSync('/dev/nvidia0')
      ? []
      : [
          {
            name: 'this host: no node has the prefix',
            status: 'not-applicable' as const,
            params: {prefix: 'nvidia', maxMode: '0660'},
            reason: 'no /dev/nvidia* device nodes',
          },
        ]),
    {
      name: 'one world-readable node among private ones',
      status: 'fail',
      files: {'/dev/nvidia0': node(0o660), '/dev/nvidia1': node(0o666)},
      params: {prefix: 'nvidia', maxMode: '0660'},
      evidence: ['/dev/nvidia1 mode 0666 gid 0 (allowed at most 0660)'],
      location: '/dev/nvidia1',
    },
    {
      name: 'a world-readable node inside /dev/nvidia-caps',
      status: 'fail',
      files: {'/dev/nvidia-caps': {dir: 0o700}, '/dev/nvidia-caps/nvidia-cap2': node(0o444)},
      params: {prefix: 'nvidia', maxMode: '0660'},
      location: '/dev/nvidia-caps/nvidia-cap2',
    },
    {
      name: 'an empty /dev under the root',
      status: 'not-applicable',
      files: {'/dev': {dir: 0o755}},
      params: {prefix: 'nvidia', maxMode: '0660'},
      reason: 'no /dev/nvidia* device nodes',
    },
  ],
  invalidParams: [{prefix: 'null'}, {prefix: '../x', maxMode: '0660'}, {prefix: 'null', maxMode: '0999'}],
})
