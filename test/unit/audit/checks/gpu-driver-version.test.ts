import {check} from '../../../../src/audit/checks/gpu-driver-version.js'
import type {GpusFact} from '../../../../src/audit/facts/index.js'
import {checkTester} from '../../../helpers/check-tester.js'

// No GPU here: the nvidia-smi fact is replaced by fixed values (the parser is tested on real XML shape).
const gpus = (driverVersion: string | null): GpusFact => ({
  vendor: 'nvidia',
  gpus: [{name: 'NVIDIA H100', driverVersion, ecc: 'Enabled', persistence: 'Enabled', mig: 'Disabled'}],
})
const min = {min: '550.144.03'}

checkTester.run(check, {
  valid: [
    {name: 'numerically equal (3 = 03)', params: min, facts: {gpus: gpus('550.144.3')}},
    {name: 'a newer branch', params: min, facts: {gpus: gpus('560.1')}},
  ],
  invalid: [
    {
      name: 'an older driver',
      status: 'fail',
      params: min,
      facts: {gpus: gpus('550.54.15')},
      evidence: ['NVIDIA driver 550.54.15 (1 GPUs); need ≥ 550.144.03'],
    },
    {name: 'an unknown version', status: 'error', params: {min: '1'}, facts: {gpus: gpus(null)}},
    {
      name: 'no NVIDIA GPU (appliesWhen nvidia-gpu)',
      status: 'not-applicable',
      params: min,
      facts: {gpus: {vendor: null, gpus: [], note: 'nvidia-smi is not installed'}},
      reason: 'no NVIDIA GPU on this host (nvidia-smi is not installed)',
    },
  ],
  invalidParams: [{}, {min: 'latest'}],
})
