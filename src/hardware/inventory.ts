import {describeError} from '../core/errors.js'
import type {ImageSummary} from '../image/index.js'
import type {OnProgress} from '../core/progress.js'
import {describeRoot} from '../core/root-fs.js'
import {resolveRootOption} from '../core/root-path.js'
import {listListeningSockets, type ListeningSocket} from '../network/index.js'
import type {GpuSection} from './gpu.types.js'
import {collectGpus} from './gpus.js'
import {collectHost, collectHostFromRoot, type HostInfo} from './host.js'
import {DEFAULT_INACTIVE_DAYS, inactiveModelFiles, modelReferences} from './inactive-models.js'
import {defaultModelDirectories, findModelFiles, type ModelSection} from './models.js'
import {listProcesses} from './processes.js'
import {collectContainerTooling, findRuntimes, type ContainerTooling, type InferenceRuntime} from './runtimes.js'
import {readAccounts} from './system-files.js'

export interface RuntimeSection {
  runtimes: InferenceRuntime[]
  containers: ContainerTooling[]
  /** Every listening socket, so other inference ports stand out too. */
  listening: ListeningSocket[]
  notes: string[]
}

type Section = 'host' | 'gpus' | 'inference' | 'models'

export interface InventoryResult {
  generatedAt: string
  durationMs: number
  /** The mounted root filesystem inventoried offline (--root), or null for this running host (and for --image). */
  root: string | null
  /** The container image inventoried in place with --image. */
  image?: InventoryImage
  host: HostInfo | null
  gpus: GpuSection
  inference: RuntimeSection | null
  /** null when the model walk was skipped (--skip-models). */
  models: ModelSection | null
  /**
   * Model files no running inference service names (its command line) that were neither read nor
   * written for `days` days; null when the model walk was skipped.
   */
  inactiveModels: {days: number; basis: string; paths: string[]} | null
  /** Sections not collected, with why: live ones under --root, models with --skip-models. */
  skipped: {section: Section; reason: string}[]
  /** Sections that failed entirely, with the reason; the rest is still reported. */
  errors: {section: Section; reason: string}[]
}

/** An image read with --image, as the report names it. */
type InventoryImage = ImageSummary & {name: string}

export interface InventoryOptions {
  /** An image opened as a virtual root (--image): `root` is its root; the report names the image. */
  image?: InventoryImage
  /** A mounted root filesystem to inventory offline: model files and host files only. */
  root?: string
  /** Extra model directories (config and --models), as paths on the inspected system. */
  modelDirectories?: string[]
  /** Skip walking model directories. */
  skipModels?: boolean
  /** Replace the default model directories instead of adding to them. */
  onlyGivenModelDirectories?: boolean
  /** Days without a read or write after which an unreferenced model file is inactive (default 90). */
  inactiveDays?: number
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

/** Runs one section, recording its failure instead of throwing. */
function guarded(errors: InventoryResult['errors']) {
  return async <T>(section: Section, work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work()
    } catch (error) {
      errors.push({section, reason: describeError(error)})
      return null
    }
  }
}

/**
 * Collects the whole inventory concurrently: of this running host, or offline of a mounted root
 * filesystem (`root`), where the live sections (GPUs, processes, sockets, container tools) are
 * skipped and say so. Never throws for an unreadable section: it is recorded in `errors`.
 */
export async function collectInventory(options: InventoryOptions = {}): Promise<InventoryResult> {
  const started = performance.now()
  const root = await resolveRootOption(options.root)
  const live = root === '/'
  const errors: InventoryResult['errors'] = []
  const skipped: InventoryResult['skipped'] = []
  const guard = guarded(errors)
  options.onProgress?.({phase: 'collecting inventory'})
  const accounts = await readAccounts(root)
  const directories = [
    ...(options.onlyGivenModelDirectories ? [] : defaultModelDirectories()),
    ...(options.modelDirectories ?? []),
  ]
  if (!live) {
    const reason = `needs the running host; ${describeRoot(root)} inventories files only`
    skipped.push({section: 'gpus', reason}, {section: 'inference', reason})
  }
  if (options.skipModels) skipped.push({section: 'models', reason: 'skipped with --skip-models'})
  const [host, gpus, inference, models] = await Promise.all([
    guard('host', () => (live ? collectHost() : collectHostFromRoot(root))),
    live ? guard('gpus', collectGpus) : null,
    live ? guard('inference', () => collectInference(accounts.names)) : null,
    options.skipModels
      ? null
      : guard('models', () =>
          findModelFiles({
            root,
            directories,
            homes: accounts.homes,
            users: accounts.names,
            onProgress: options.onProgress,
          }),
        ),
  ])
  const days = options.inactiveDays ?? DEFAULT_INACTIVE_DAYS
  const references = modelReferences(inference?.runtimes.map((r) => r.command) ?? [])
  const inactiveModels = models && {
    days,
    basis: inference
      ? 'the running inference services and access times'
      : 'access times only: no running services were read',
    paths: inactiveModelFiles(models.files, references, days).map((f) => f.path),
  }
  return {
    generatedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    root: live || options.image ? null : root,
    ...(options.image ? {image: options.image} : {}),
    host,
    gpus: gpus ?? {gpus: [], sources: []},
    inference,
    models,
    inactiveModels,
    skipped,
    errors,
  }
}
