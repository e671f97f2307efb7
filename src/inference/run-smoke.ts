import {noProgress} from '../core/progress.js'
import type {SmokeReport} from './inference.types.js'
import {smokeEndpoint, smokeGguf, type SmokeOptions} from './smoke.js'
import {resolveSmokeTargets, type ResolvedTarget, type SmokeTargetsInput} from './targets.js'
import type {GgufOptions} from './gguf.js'

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

/** Whether any check of any report failed (the command then exits 1). */
export function smokeFailed(run: SmokeRun): boolean {
  const reports = 'targets' in run ? run.targets : [run]
  return reports.some((r) => r.summary.fail > 0)
}

/** Resolves the targets (flags, config endpoints, discovered runtimes) and smoke-tests each. */
export async function runSmoke(input: SmokeTargetsInput, options: SmokeOptions & GgufOptions = {}): Promise<SmokeRun> {
  return smokeTargets(resolveSmokeTargets(input), options)
}
