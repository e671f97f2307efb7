import {check} from '../../../../src/audit/checks/model-signature.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {safetensorsBytes} from '../../../helpers/rootfs.js'

checkTester.run(check, {
  valid: [
    {
      name: 'model.sig in a parent directory and <file>.sig',
      files: {
        '/srv/models/signed/model.sig': '{}',
        '/srv/models/signed/sub/model.safetensors': safetensorsBytes(),
        '/srv/models/single.gguf': 'GGUF\u0003',
        '/srv/models/single.gguf.sig': '{}',
      },
      evidence: ['signature present: /srv/models/signed/model.sig', 'signature present: /srv/models/single.gguf.sig'],
    },
  ],
  invalid: [
    {
      name: 'an unsigned model',
      status: 'fail',
      files: {'/opt/models/x/model.safetensors': safetensorsBytes()},
      location: '/opt/models/x/model.safetensors',
    },
    {
      // A model.sig above the model directory does not cover it.
      name: 'a signature outside the model root',
      status: 'fail',
      files: {'/srv/model.sig': '{}', '/srv/models/m.safetensors': safetensorsBytes()},
      location: '/srv/models/m.safetensors',
    },
  ],
})
