import {check} from '../../../../src/audit/checks/model-pickle.js'
import type {ModelFormat, ModelsFact} from '../../../../src/audit/facts/index.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'
import {PICKLE_BYTES, safetensorsBytes} from '../../../helpers/rootfs.js'

const files = {
  '/srv/models/a/pytorch_model.bin': PICKLE_BYTES,
  '/srv/models/a/model.safetensors': safetensorsBytes(),
  // A .bin that is not a pickle: detection is by content, not by extension.
  '/srv/models/b/weights.bin': 'GGUF\u0003\u0000\u0000\u0000',
  '/opt/elsewhere/model.pkl': PICKLE_BYTES,
}

/** A models fact: one file of each given path and format, and directories that could not be read. */
const models = (found: [string, ModelFormat][], unreadable: string[]): ModelsFact => ({
  directories: [],
  files: found.map(([path, format]) => ({
    path,
    format,
    sizeBytes: 9,
    uid: 0,
    owner: 'root',
    mode: '0644',
    worldReadable: true,
    modifiedAt: '2026-01-01T00:00:00.000Z',
    accessedAt: '2026-01-01T00:00:00.000Z',
    daysSinceAccess: 0,
  })),
  truncated: false,
  unreadable: unreadable.map(denied),
})

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
    {
      name: 'an unreadable model directory is an error, not "no model files"',
      status: 'error',
      facts: {models: models([], ['/srv/models'])},
      reason: /^cannot read \/srv\/models/,
    },
    {
      name: 'a pickle found beside an unreadable directory stays a finding',
      status: 'fail',
      facts: {models: models([['/srv/models/a.pt', 'pickle']], ['/home/alice/models'])},
      evidence: ['/srv/models/a.pt: pickle', 'cannot read /home/alice/models: permission denied (EACCES)'],
    },
    {
      name: 'no pickle among what could be read is no pass',
      status: 'error',
      facts: {models: models([['/m.gguf', 'gguf']], ['/root/models'])},
    },
  ],
  invalidParams: [{max: -1}],
})
