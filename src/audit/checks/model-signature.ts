import {posix} from 'node:path'

import {existingModelDirs, modelWalkGaps} from '../check-helpers.js'
import {defineCheck, outcome} from '../check.js'
import {statIn} from '../facts/index.js'

/**
 * Whether a model file is covered by a signature: `<file>.sig`, or `model.sig` in its directory
 * or an ancestor up to the model root (the layout `llmsec sign` writes). Only presence is checked
 * here; `llmsec verify` checks validity.
 */
async function signatureFor(root: string, file: string, modelRoot: string): Promise<string | null> {
  if (await statIn(root, `${file}.sig`)) return `${file}.sig`
  for (let dir = posix.dirname(file); dir.startsWith(modelRoot); dir = posix.dirname(dir)) {
    const sig = posix.join(dir, 'model.sig')
    if (await statIn(root, sig)) return sig
    if (dir === modelRoot || dir === '/') break
  }
  return null
}

export const check = defineCheck<Record<string, never>>({
  id: 'model-signature',
  title: 'Model files carry a signature',
  description:
    'Looks for model.sig (llmsec sign / OpenSSF model signing) next to each model; validity is checked by `llmsec verify`.',
  appliesWhen: ['model-files'],
  params: {type: 'object', additionalProperties: false, properties: {}},
  async run({root, facts}) {
    const models = await facts.get('models')
    const {files} = models
    const dirs = existingModelDirs(models)
    const unsigned: string[] = []
    const signed = new Set<string>()
    for (const file of files) {
      const modelRoot = dirs.find((d) => file.path.startsWith(`${d.path}/`))?.path ?? '/'
      const sig = await signatureFor(root, file.path, modelRoot)
      if (sig) signed.add(sig)
      else unsigned.push(file.path)
    }
    if (unsigned.length)
      return outcome.fail(
        [`${unsigned.length} of ${files.length} model files have no signature`, ...unsigned.slice(0, 10)],
        unsigned[0],
      )
    const gaps = modelWalkGaps(models)
    if (gaps.length) return outcome.error(gaps.join('; '))
    return outcome.pass([...signed].map((s) => `signature present: ${s}`))
  },
})
