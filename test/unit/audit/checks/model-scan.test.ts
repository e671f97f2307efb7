import {check} from '../../../../src/audit/checks/model-scan.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {PICKLE_BYTES} from '../../../helpers/rootfs.js'

// protocol 2 pickle: GLOBAL 'os system', a string argument, TUPLE1, REDUCE, STOP — what a trojan checkpoint holds.
const MALICIOUS = Buffer.concat([
  Buffer.from([0x80, 0x02]),
  Buffer.from('cos\nsystem\n', 'latin1'),
  Buffer.from([0x58, 2, 0, 0, 0]),
  Buffer.from('id', 'latin1'),
  Buffer.from([0x85, 0x52, 0x2e]),
])

checkTester.run(check, {
  valid: [
    {
      name: 'a pickle without imports',
      files: {'/srv/models/x/numbers.pkl': PICKLE_BYTES},
      evidence: ['1 model files scanned, all clean'],
    },
  ],
  invalid: [
    {
      name: 'a pickle that imports os.system (scan engine verdict unsafe)',
      status: 'fail',
      files: {'/srv/models/x/pytorch_model.bin': MALICIOUS},
      evidence: [/^\/srv\/models\/x\/pytorch_model\.bin: unsafe/],
      location: '/srv/models/x/pytorch_model.bin',
    },
  ],
  invalidParams: [{maxFiles: 0}],
})
