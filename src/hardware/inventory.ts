import {describeError} from '../core/errors.js'
import type {OnProgress} from '../core/progress.js'
import {listListeningSockets, type ListeningSocket} from '../network/index.js'
import type {GpuSection} from './gpu.types.js'
import {collectGpus} from './gpus.js'
import {collectHost, type HostInfo} from './host.js'
import {defaultModelDirectories, findModelFiles, type ModelSection} from './models.js'
import {listProcesses, readUserNames} from './processes.js'
import {collectContainerTooling, findRuntimes, type ContainerTooling, type InferenceRuntime} from './runtimes.js'

export interface RuntimeSection {
  runtimes: InferenceRuntime[]
  containers: ContainerTooling[]
  /** Every listening socket, so other inference ports stand out too. */
  listening: ListeningSocket[]
  notes: string[]
}

export interface InventoryResult {
  generatedAt: string
  durationMs: number
  host: HostInfo | null
  gpus: GpuSection
  inference: RuntimeSection | null
  /** null when the model walk was skipped (--skip-models). */
  models: ModelSection | null
  /** Sections that failed entirely, with the reason; the rest is still reported. */
  errors: {section: 'host' | 'gpus' | 'inference' | 'models'; reason: string}[]
}

export interface InventoryOptions {
  /** Extra model directories (config and --models). */
  modelDirectories?: string[]
  /** Skip walking model directories. */
  skipModels?: boolean
  /** Replace the default model directories instead of adding to them. */
  onlyGivenModelDirectories?: boolean
  onProgress?: OnProgress
}

async function collectInference(users: Map<number, string>): Promise<RuntimeSection> {
  const [processes, scan, containers] = await Promise.all([
    listProcesses(),
    listListeningSockets(),
    collectContainerTooling(),
  ])
  const notes: string[] = []
  if (scan.ownersIncomplete)
    notes.push('Some sockets belong to processes of other users: run as root to see every owner.')
  for (const file of scan.unreadable) notes.push(`${file} is not readable.`)
  return {runtimes: findRuntimes(processes, scan.sockets, users), containers, listening: scan.sockets, notes}
}

/**
 * Collects the whole inventory concurrently. Never throws for an unreadable section:
 * it is recorded in `errors` and the other sections are still returned.
 */
export async function collectInventory(options: InventoryOptions = {}): Promise<InventoryResult> {
  const started = performance.now()
  const errors: InventoryResult['errors'] = []
  const guard = async <T>(
    section: InventoryResult['errors'][number]['section'],
    work: () => Promise<T>,
  ): Promise<T | null> => {
    try {
      return await work()
    } catch (error) {
      errors.push({section, reason: describeError(error)})
      return null
    }
  }
  options.onProgress?.({phase: 'collecting inventory'})
  const users = await readUserNames()
  const directories = [
    ...(options.onlyGivenModelDirectories ? [] : defaultModelDirectories()),
    ...(options.modelDirectories ?? []),
  ]
  const [host, gpus, inference, models] = await Promise.all([
    guard('host', collectHost),
    guard('gpus', collectGpus),
    guard('inference', () => collectInference(users)),
    options.skipModels
      ? null
      : guard('models', () => findModelFiles(directories, {users, onProgress: options.onProgress})),
  ])
  return {
    generatedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    host,
    gpus: gpus ?? {gpus: [], sources: []},
    inference,
    models,
    errors,
  }
}
