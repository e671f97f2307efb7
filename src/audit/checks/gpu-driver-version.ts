import {compareVersions} from '../../core/version.js'
import {defineCheck, outcome} from '../check.js'

interface Params {
  min: string
}

export const check = defineCheck<Params>()({
  id: 'gpu-driver-version',
  title: 'The NVIDIA driver is at least a minimum version',
  description:
    'Compares the driver version nvidia-smi reports with a minimum (the first release with the latest security fixes).',
  appliesWhen: ['nvidia-gpu'],
  live: true,
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['min'],
    properties: {min: {type: 'string', pattern: '^\\d+(\\.\\d+)*$'}},
  },
  async run({facts, params}) {
    const {gpus, note} = await facts.get('gpus')
    const version = gpus.find((g) => g.driverVersion)?.driverVersion
    if (!version) return outcome.error(`the driver version is unknown${note ? `: ${note}` : ''}`)
    const seen = `NVIDIA driver ${version} (${gpus.length} GPUs)`
    const order = compareVersions(version, params.min)
    if (order === null) return outcome.error(`the driver version ${version} holds no version number`)
    return order >= 0 ? outcome.pass([seen]) : outcome.fail([`${seen}; need ≥ ${params.min}`])
  },
})
