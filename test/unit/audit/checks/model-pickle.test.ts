import {check} from '../../../../src/audit/checks/model-pickle.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {PICKLE_BYTES, safetensorsBytes} from '../../../helpers/rootfs.js'

const files = {
  '/srv/models/a/pytorch_model.bin': PICKLE_BYTES,
  '/srv/models/a/model.safetensors': safetensorsBytes(),
  // A .bin that is not a pickle: detection is by content, not by extension.
  '/srv/models/b/weights.bin': 'GGUF\u0003\u0000\u0000\u0000',
  '/opt/elsewhere/model.pkl': PICKLE_BYTES,
}

checkTester.run(check, {
  valid: [{name: 'no more pickles than max', files, params: {max: 1}}],
  invalid: [
    {
      name: 'pickle files found by magic bytes in the model directories',
      status: 'fail',
      files,
      evidence: ['/srv/models/a/pytorch_model.bin: pickle'],
    },
    {
      name: 'extra model paths are searched too',
      status: 'fail',
      files,
      params: {max: 1},
      modelPaths: ['/opt/elsewhere'],
      evidenceCount: 2,
    },
  ],
  invalidParams: [{max: -1}],
})
