import {check} from '../../../../src/audit/checks/model-scan.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {MALICIOUS_PICKLE as MALICIOUS, PICKLE_BYTES, safetensorsBytes} from '../../../helpers/rootfs.js'

// protocol 2 pickle: GLOBAL 'os system', a string argument, TUPLE1, REDUCE, STOP — what a trojan checkpoint holds.

/** Three clean model files: a maxFiles of 2 leaves one of them unscanned. */
const THREE_CLEAN = {
  '/srv/models/x/a.safetensors': safetensorsBytes(),
  '/srv/models/x/b.safetensors': safetensorsBytes(),
  '/srv/models/x/c.safetensors': safetensorsBytes(),
}

checkTester.run(check, {
  valid: [
    {
      name: 'a pickle without imports',
      files: {'/srv/models/x/numbers.pkl': PICKLE_BYTES},
      evidence: ['1 model files scanned, all clean'],
    },
    {
      name: 'every model file scanned when maxFiles covers them all (benign twin of the limit case)',
      files: THREE_CLEAN,
      params: {maxFiles: 3},
      evidence: ['3 model files scanned, all clean'],
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
    {
      name: 'only the first 2 of 3 model files scanned: an error with the count, never a pass',
      status: 'error',
      files: THREE_CLEAN,
      params: {maxFiles: 2},
      reason: 'scanned 2 of 3 model files (maxFiles 2); the rest were not analysed',
      evidence: [
        'scanned 2 of 3 model files (maxFiles 2); the rest were not analysed',
        'the 2 files scanned are clean',
      ],
    },
    {
      name: 'an unsafe file among the scanned ones still fails, with the count of the unscanned ones',
      status: 'fail',
      files: {...THREE_CLEAN, '/srv/models/x/0-trojan.bin': MALICIOUS},
      params: {maxFiles: 2},
      evidence: [
        /^\/srv\/models\/x\/0-trojan\.bin: unsafe/,
        'scanned 2 of 4 model files (maxFiles 2); the rest were not analysed',
      ],
    },
    {
      name: 'a file past the time budget is unknown (scanned on a worker thread with fileTimeoutMs)',
      status: 'fail',
      // 20 million cheap opcodes (NONE, POP): seconds of walking, far past a 100 ms budget.
      files: {
        '/srv/models/x/slow.pkl': Buffer.concat([
          Buffer.from([0x80, 2]),
          Buffer.alloc(40_000_000, 'N0'),
          Buffer.from('N.'),
        ]),
      },
      params: {fileTimeoutMs: 100},
      evidence: [/^\/srv\/models\/x\/slow\.pkl: unknown \(SCAN_TIMEOUT: /],
    },
  ],
  invalidParams: [{maxFiles: 0}, {fileTimeoutMs: 1}],
})
