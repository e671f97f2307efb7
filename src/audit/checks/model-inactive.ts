import {inactiveModelFiles, modelReferences} from '../../hardware/inactive-models.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'

interface Params {
  days: number
}

export const check = defineCheck<Params>()({
  id: 'model-inactive',
  title: 'Every model file is in use',
  description:
    "Lists model files that no inference service's command line, environment or container volumes name (the file, a directory above it, or its Hugging Face id) and that were neither read nor written for `days` days.",
  limits:
    'Use through a path no unit or process names (a config file, an API call that loads a model); on file systems mounted noatime a model read every day still looks unread, so only a reference keeps it active.',
  appliesWhen: ['model-files'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['days'],
    properties: {days: {type: 'integer', minimum: 1, maximum: 3650}},
  },
  async run({facts, params}) {
    const {days} = params
    const [models, services] = await Promise.all([facts.get('models'), facts.get('inference')])
    const texts = services.flatMap((s) => [
      ...s.args,
      ...Object.values(s.environment),
      ...(s.container?.volumes ?? []),
      ...Object.values(s.container?.environment ?? {}),
    ])
    const inactive = inactiveModelFiles(models.files, modelReferences(texts), days)
    if (inactive.length) {
      const lines = inactive
        .slice(0, 20)
        .map((f) => `${f.path}: no service names it; last read ${f.daysSinceAccess} days ago`)
      const shown = inactive.length > 20 ? [...lines, `… and ${inactive.length - 20} more`] : lines
      return guardUnreadable(outcome.fail(shown, inactive[0].path), models.unreadable, true)
    }
    return guardUnreadable(
      outcome.pass([`${models.files.length} model files, each named by a service or used within ${days} days`]),
      models.unreadable,
    )
  },
})
