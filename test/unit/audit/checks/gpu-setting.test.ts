import {describe, expect, it} from 'vitest'

import type {GpusFact} from '../../../../src/audit/facts/index.js'
import {runCheck} from '../../../helpers/check-context.js'

const gpus: GpusFact = {
  vendor: 'nvidia',
  gpus: [
    {name: 'NVIDIA H100', driverVersion: '560.1', ecc: 'Enabled', persistence: 'Disabled', mig: 'Disabled'},
    {name: 'NVIDIA RTX 4090', driverVersion: '560.1', ecc: null, persistence: 'Enabled', mig: null},
  ],
}

describe('gpu-setting', () => {
  it('checks GPUs that support the setting and lists the others', async () => {
    const ecc = await runCheck('gpu-setting', {setting: 'ecc', expect: 'Enabled'}, {facts: {gpus}})
    expect(ecc.status).toBe('pass')
    expect(ecc.evidence).toEqual(['GPU 0 NVIDIA H100: ecc Enabled', 'GPU 1 NVIDIA RTX 4090: ecc not supported'])
    expect((await runCheck('gpu-setting', {setting: 'persistence', expect: 'Enabled'}, {facts: {gpus}})).status).toBe(
      'fail',
    )
  })

  it('skips when no GPU supports it', async () => {
    const one = {vendor: 'nvidia' as const, gpus: [gpus.gpus[1]]}
    expect((await runCheck('gpu-setting', {setting: 'mig', expect: 'Disabled'}, {facts: {gpus: one}})).status).toBe(
      'skip',
    )
  })
})
