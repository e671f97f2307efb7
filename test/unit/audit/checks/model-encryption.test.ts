import {check} from '../../../../src/audit/checks/model-encryption.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {safetensorsBytes} from '../../../helpers/rootfs.js'

const plain = {'/srv/models/m.safetensors': safetensorsBytes()}

checkTester.run(check, {
  valid: [
    {
      name: 'plain files on a crypttab volume',
      files: {...plain, '/etc/crypttab': '# c\ndata UUID=1 none luks\n'},
      includes: ['crypttab: data UUID=1'],
    },
    {name: 'llmsec-encrypted files', files: {'/srv/models/m.safetensors.llmsec': 'LLMSEC\u001a\n\u0001...'}},
  ],
  invalid: [
    {
      name: 'plain files without encrypted volumes',
      status: 'fail',
      files: plain,
      evidence: [
        '1 of 1 model files are neither llmsec-encrypted nor on an encrypted volume',
        '/srv/models/m.safetensors',
      ],
    },
  ],
})
