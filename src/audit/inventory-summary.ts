import {describeError} from '../core/errors.js'
import {existingModelDirs} from './check-helpers.js'
import type {FactCache} from './facts/index.js'
import type {HostInventory} from './reports/report.types.js'

async function tryFact<T>(work: () => Promise<T>): Promise<{value: T} | {error: string}> {
  try {
    return {value: await work()}
  } catch (error) {
    return {error: describeError(error)}
  }
}

/**
 * The host inventory shown in reports, read from the audit's fact cache (facts the audit already
 * gathered are not gathered again; live-only facts under --root are reported as unavailable).
 */
export async function summarizeInventory(facts: FactCache): Promise<HostInventory> {
  const [os, gpus, inference, models] = await Promise.all([
    tryFact(() => facts.get('os')),
    tryFact(() => facts.get('gpus')),
    tryFact(() => facts.get('inference')),
    tryFact(() => facts.get('models')),
  ])
  const gpuList =
    'value' in gpus
      ? gpus.value.gpus.map((g) => `${g.name}${g.driverVersion ? ` (driver ${g.driverVersion})` : ''}`)
      : []
  const gpuNote = 'error' in gpus ? gpus.error : gpus.value.note
  const modelFiles = 'value' in models ? models.value.files : []
  return {
    os: 'value' in os ? os.value.prettyName : null,
    gpus: gpuList,
    ...(gpuNote ? {gpuNote} : {}),
    runtimes:
      'value' in inference
        ? inference.value.map((s) => ({runtime: s.runtime, source: s.source, location: s.location, user: s.user}))
        : [],
    modelDirs: 'value' in models ? existingModelDirs(models.value).map((d) => d.path) : [],
    modelFiles: modelFiles.length,
    modelBytes: modelFiles.reduce((n, f) => n + f.sizeBytes, 0),
    models: modelFiles.map((f) => ({path: f.path, format: f.format, sizeBytes: f.sizeBytes})),
  }
}
