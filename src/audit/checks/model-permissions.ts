import {existingModelDirs, parseMode} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'

interface Params {
  forbid: 'world-writable' | 'world-readable'
}

export const check = defineCheck<Params>()({
  id: 'model-permissions',
  title: 'Model directories and files are not world-accessible',
  description:
    'Checks the mode of model directories and files: world-writable lets anyone swap a model; world-readable leaks it.',
  appliesWhen: ['model-files'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['forbid'],
    properties: {forbid: {type: 'string', enum: ['world-writable', 'world-readable']}},
  },
  async run({facts, params}) {
    const models = await facts.get('models')
    const {files, unreadable} = models
    const dirs = existingModelDirs(models)
    const bit = params.forbid === 'world-writable' ? 0o002 : 0o004
    const bad = [...dirs, ...files].filter((entry) => (parseMode(entry.mode) & bit) !== 0)
    if (bad.length) {
      const lines = bad.slice(0, 20).map((e) => `${e.path} mode ${e.mode} is ${params.forbid}`)
      const shown = bad.length > 20 ? [...lines, `… and ${bad.length - 20} more`] : lines
      return guardUnreadable(outcome.fail(shown, bad[0].path), unreadable, true)
    }
    return guardUnreadable(
      outcome.pass([`${dirs.length} model directories and ${files.length} files, none ${params.forbid}`]),
      unreadable,
    )
  },
})
