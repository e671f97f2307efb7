import {posix} from 'node:path'

import {existingModelDirs} from '../check-helpers.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import {RootReader} from '../facts/index.js'

/**
 * The signature covering a model file: `<file>.sig`, or `model.sig` in its directory or an
 * ancestor up to the model root (the layout `llmsec sign` writes); null when there is none, and
 * 'unknown' when a place it could be could not be read. Only presence is checked here;
 * `llmsec verify` checks validity.
 */
async function signatureFor(reader: RootReader, file: string, modelRoot: string): Promise<string | null | 'unknown'> {
  const unreadableBefore = reader.unreadable.length
  if (await reader.stat(`${file}.sig`)) return `${file}.sig`
  for (let dir = posix.dirname(file); dir.startsWith(modelRoot); dir = posix.dirname(dir)) {
    const sig = posix.join(dir, 'model.sig')
    if (await reader.stat(sig)) return sig
    if (dir === modelRoot || dir === '/') break
  }
  return reader.unreadable.length > unreadableBefore ? 'unknown' : null
}

export const check = defineCheck<NoParams>()({
  id: 'model-signature',
  title: 'Model files carry a signature',
  description:
    'Looks for model.sig (llmsec sign / OpenSSF model signing) next to each model; validity is checked by `llmsec verify`.',
  appliesWhen: ['model-files'],
  params: NO_PARAMS,
  async run({root, facts}) {
    const reader = new RootReader(root)
    const models = await facts.get('models')
    const {files, unreadable} = models
    const dirs = existingModelDirs(models)
    reader.note(...unreadable)
    const unsigned: string[] = []
    const signed = new Set<string>()
    for (const file of files) {
      const modelRoot = dirs.find((d) => file.path.startsWith(`${d.path}/`))?.path ?? '/'
      const sig = await signatureFor(reader, file.path, modelRoot)
      if (sig === null) unsigned.push(file.path)
      else if (sig !== 'unknown') signed.add(sig)
    }
    const verdict = unsigned.length
      ? outcome.fail(
          [`${unsigned.length} of ${files.length} model files have no signature`, ...unsigned.slice(0, 10)],
          unsigned[0],
        )
      : outcome.pass([...signed].map((s) => `signature present: ${s}`))
    return guardUnreadable(verdict, reader.unreadable, true)
  },
})
