import {ExitCode} from '../core/errors.js'
import type {VerifyResult} from './artifacts.types.js'

/** Findings (1) when the model does not verify against its signature, else Ok. */
export function exitCodeFor(result: VerifyResult): ExitCode {
  return result.verified ? ExitCode.Ok : ExitCode.Findings
}
