import {isPickleBased} from '../../scan/index.js'
import {modelWalkGaps} from '../check-helpers.js'
import {defineCheck, outcome} from '../check.js'

interface Params {
  max?: number
}

export const check = defineCheck<Params>({
  id: 'model-pickle',
  title: 'No pickle-based model files',
  description:
    'Pickle, PyTorch zip (data.pkl) and npz files can run code when loaded; detected by content (scan engine), not by extension.',
  appliesWhen: ['model-files'],
  params: {type: 'object', additionalProperties: false, properties: {max: {type: 'integer', minimum: 0}}},
  async run({facts, params}) {
    const models = await facts.get('models')
    const pickles = models.files.filter((f) => f.format !== 'llmsec-encrypted' && isPickleBased(f.format))
    const gaps = modelWalkGaps(models)
    if (pickles.length > (params.max ?? 0)) {
      return outcome.fail([...pickles.slice(0, 20).map((f) => `${f.path}: ${f.format}`), ...gaps], pickles[0].path)
    }
    if (gaps.length) return outcome.error(gaps.join('; '))
    return outcome.pass([`${models.files.length} model files, none pickle-based`])
  },
})
