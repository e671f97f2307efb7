import {describe, expect, it} from 'vitest'

import type {GpusFact} from '../../../../src/audit/facts/index.js'
import {runCheck} from '../../../helpers/check-context.js'

// No GPU here: the nvidia-smi fact is replaced by fixed values (the parser is tested on real XML shape).
const gpus = (driverVersion: string | null): GpusFact => ({
  vendor: 'nvidia',
  gpus: [{name: 'NVIDIA H100', driverVersion, ecc: 'Enabled', persistence: 'Enabled', mig: 'Disabled'}],
})

describe('gpu-driver-version', () => {
  it('compares dotted versions numerically', async () => {
    expect((await runCheck('gpu-driver-version', {min: '550.144.03'}, {facts: {gpus: gpus('550.144.3')}})).status).toBe(
      'pass',
    )
    expect((await runCheck('gpu-driver-version', {min: '550.144.03'}, {facts: {gpus: gpus('560.1')}})).status).toBe(
      'pass',
    )
    const old = await runCheck('gpu-driver-version', {min: '550.144.03'}, {facts: {gpus: gpus('550.54.15')}})
    expect(old).toMatchObject({status: 'fail', evidence: ['NVIDIA driver 550.54.15 (1 GPUs); need ≥ 550.144.03']})
  })

  it('reports an error when the version is unknown', async () => {
    expect((await runCheck('gpu-driver-version', {min: '1'}, {facts: {gpus: gpus(null)}})).status).toBe('error')
  })
})
