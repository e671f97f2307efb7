// detect.js alone: the scan engine's index (parsers, worker pool) is for model-scan.
import {isPickleBased} from '../../scan/detect.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'

interface Params {
  max?: number
}

export const check = defineCheck<Params>()({
  id: 'model-pickle',
  title: 'No pickle-based model files',
  description:
    'Pickle, PyTorch zip (data.pkl) and npz files can run code when loaded; detected by content (scan engine), not by extension.',
  appliesWhen: ['model-files'],
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {max: {type: 'integer', minimum: 0, nullable: true}},
  },
  async run({facts, params}) {
    const {files, truncated, unreadable} = await facts.get('models')
    const pickles = files.filter((f) => f.format !== 'llmsec-encrypted' && isPickleBased(f.format))
    const note = truncated ? ['(the model walk stopped at its entry limit)'] : []
    if (pickles.length > (params.max ?? 0)) {
      const found = outcome.fail(
        [...pickles.slice(0, 20).map((f) => `${f.path}: ${f.format}`), ...note],
        pickles[0].path,
      )
      return guardUnreadable(found, unreadable, true)
    }
    return guardUnreadable(outcome.pass([`${files.length} model files, none pickle-based`, ...note]), unreadable)
  },
})
