import {defineCheck, outcome} from '../check.js'

interface Params {
  setting: 'ecc' | 'persistence' | 'mig'
  expect: 'Enabled' | 'Disabled'
}

export const check = defineCheck<Params>()({
  id: 'gpu-setting',
  title: 'An NVIDIA GPU setting (ECC, persistence, MIG) has the expected mode',
  description:
    'Reads the current mode of each GPU from nvidia-smi; GPUs that do not support the setting are listed, not failed.',
  appliesWhen: ['nvidia-gpu'],
  live: true,
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['setting', 'expect'],
    properties: {
      setting: {type: 'string', enum: ['ecc', 'persistence', 'mig']},
      expect: {type: 'string', enum: ['Enabled', 'Disabled']},
    },
  },
  async run({facts, params}) {
    const {gpus} = await facts.get('gpus')
    const rows = gpus.map((g, i) => ({gpu: `GPU ${i} ${g.name}`, mode: g[params.setting]}))
    const supported = rows.filter((r) => r.mode !== null)
    if (!supported.length) return outcome.notApplicable(`no GPU reports a ${params.setting} mode (not supported)`)
    const lines = rows.map((r) => `${r.gpu}: ${params.setting} ${r.mode ?? 'not supported'}`)
    return supported.every((r) => r.mode === params.expect) ? outcome.pass(lines) : outcome.fail(lines)
  },
})
