import {ExitCode} from '../core/errors.js'
import type {BenchResult} from './inference.types.js'
import type {SmokeRun} from './run-smoke.js'

/**
 * Findings (1) when a smoke check failed on any target, or when a benchmark request failed;
 * else Incomplete (4) when a smoke check was inconclusive; else Ok. An endpoint that cannot be reached at all is an error (2), thrown before a result exists.
 */
export function exitCodeFor(result: SmokeRun | BenchResult): ExitCode {
  if ('levels' in result) return result.levels.some((l) => l.failed > 0) ? ExitCode.Findings : ExitCode.Ok
  const reports = 'targets' in result ? result.targets : [result]
  if (reports.some((r) => r.summary.fail > 0)) return ExitCode.Findings
  // A prompt family that could not be judged (its control failed) leaves the run incomplete.
  return reports.some((r) => r.summary.inconclusive > 0) ? ExitCode.Incomplete : ExitCode.Ok
}
