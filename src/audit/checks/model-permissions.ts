import {defineCheck, outcome} from '../check.js'
import {formatMode} from '../facts/index.js'

interface Params {
  forbid: 'world-writable' | 'world-readable'
}

export const check = defineCheck<Params>({
  id: 'model-permissions',
  title: 'Model directories and files are not world-accessible',
  description:
    'Checks the mode of model directories and files: world-writable lets anyone swap a model; world-readable leaks it.',
  appliesWhen: ['model-files'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['forbid'],
    properties: {forbid: {enum: ['world-writable', 'world-readable']}},
  },
  async run({facts, params}) {
    const {dirs, files} = await facts.get('models')
    const bit = params.forbid === 'world-writable' ? 0o002 : 0o004
    const bad = [...dirs, ...files].filter((entry) => (entry.mode & bit) !== 0)
    if (bad.length) {
      const lines = bad.slice(0, 20).map((e) => `${e.path} mode ${formatMode(e.mode)} is ${params.forbid}`)
      return outcome.fail(bad.length > 20 ? [...lines, `… and ${bad.length - 20} more`] : lines, bad[0].path)
    }
    return outcome.pass([`${dirs.length} model directories and ${files.length} files, none ${params.forbid}`])
  },
})
