import {check} from '../../../../src/audit/checks/gpu-setting.js'
import type {GpusFact} from '../../../../src/audit/facts/index.js'
import {checkTester} from '../../../helpers/check-tester.js'

const gpus: GpusFact = {
  vendor: 'nvidia',
  gpus: [
    {name: 'NVIDIA H100', driverVersion: '560.1', ecc: 'Enabled', persistence: 'Disabled', mig: 'Disabled'},
    {name: 'NVIDIA RTX 4090', driverVersion: '560.1', ecc: null, persistence: 'Enabled', mig: null},
  ],
}

checkTester.run(check, {
  valid: [
    {
      name: 'GPUs that support the setting comply; the others are listed',
      params: {setting: 'ecc', expect: 'Enabled'},
      facts: {gpus},
      evidence: ['GPU 0 NVIDIA H100: ecc Enabled', 'GPU 1 NVIDIA RTX 4090: ecc not supported'],
    },
  ],
  invalid: [
    {
      name: 'one GPU in the wrong mode',
      status: 'fail',
      params: {setting: 'persistence', expect: 'Enabled'},
      facts: {gpus},
    },
    {
      name: 'no GPU supports the setting',
      status: 'not-applicable',
      params: {setting: 'mig', expect: 'Disabled'},
      facts: {gpus: {vendor: 'nvidia', gpus: [gpus.gpus[1]]}},
    },
  ],
  invalidParams: [
    {setting: 'clock', expect: 'Enabled'},
    {setting: 'ecc', expect: 'on'},
  ],
})
