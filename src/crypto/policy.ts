import {ExitCode, worstExitCode} from '../core/errors.js'
import type {BatchResult} from './crypto.types.js'

/**
 * The worst exit among the files of an encrypt, decrypt or --check batch: Ok when every file
 * succeeded, Findings (1) when one failed authentication, Usage (2) when one was unusable input.
 */
export function exitCodeFor(result: BatchResult): ExitCode {
  return worstExitCode(result.files.map((f) => f.error?.exit ?? ExitCode.Ok))
}
