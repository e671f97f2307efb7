import {noProgress, type OnProgress} from '../core/progress.js'
import {collectInventory} from '../hardware/index.js'
import type {GgufOptions} from './gguf.js'
import type {SmokeReport} from './inference.types.js'
import {smokeEndpoint, smokeGguf, type SmokeOptions} from './smoke.js'
import {resolveSmokeTargets, type ResolvedTarget, type RuntimeLike, type SmokeTargetsInput} from './targets.js'

/** One target gives its report; several give {targets: [...]}. */
export type SmokeRun = SmokeReport | {targets: SmokeReport[]}

/** Smoke-tests each resolved target in turn. */
export async function smokeTargets(
  targets: ResolvedTarget[],
  options: SmokeOptions & GgufOptions = {},
): Promise<SmokeRun> {
  const reports: SmokeReport[] = []
  for (const target of targets) {
    const onProgress = options.onProgress ?? noProgress
    reports.push(
      target.kind === 'gguf'
        ? await smokeGguf(target.path, {...options, onProgress})
        : await smokeEndpoint(target.target, {...options, onProgress}),
    )
  }
  return reports.length === 1 ? reports[0] : {targets: reports}
}

/** The inference runtimes llmsec inventory finds on this host (no GPU or model scan). */
async function discoverRuntimes(onProgress: OnProgress = noProgress): Promise<RuntimeLike[]> {
  const inventory = await collectInventory({skipModels: true, onProgress})
  return inventory.inference?.runtimes ?? []
}

/**
 * Resolves the targets (flags, else config endpoints and the runtimes found on this host)
 * and smoke-tests each.
 */
export async function runSmoke(input: SmokeTargetsInput, options: SmokeOptions & GgufOptions = {}): Promise<SmokeRun> {
  const discover = !input.endpoint && !input.gguf && input.runtimes === undefined
  const runtimes = discover ? await discoverRuntimes(options.onProgress) : input.runtimes
  return smokeTargets(resolveSmokeTargets({...input, runtimes}), options)
}
