import {check} from '../../../../src/audit/checks/model-permissions.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {safetensorsBytes} from '../../../helpers/rootfs.js'

const files = {'/srv/models': {dir: 0o755}, '/srv/models/m.safetensors': {content: safetensorsBytes(), mode: 0o640}}

checkTester.run(check, {
  valid: [{name: 'nothing world-writable', files, params: {forbid: 'world-writable'}}],
  invalid: [
    {
      name: 'a world-readable directory',
      status: 'fail',
      files,
      params: {forbid: 'world-readable'},
      evidence: ['/srv/models mode 0755 is world-readable'],
    },
    {
      name: 'a world-writable file',
      status: 'fail',
      files: {...files, '/srv/models/m.safetensors': {content: safetensorsBytes(), mode: 0o666}},
      params: {forbid: 'world-writable'},
      evidence: ['/srv/models/m.safetensors mode 0666 is world-writable'],
      location: '/srv/models/m.safetensors',
    },
  ],
  invalidParams: [{}, {forbid: 'group-writable'}],
})
