// Each domain's errors module, not its index: the base command loads this table for every
// command, and a domain's index would load that whole domain (the audit index alone costs
// about 400 ms of start-up, a fifth of `llmsec verify` on a 2 GiB model).
import {ARTIFACTS_ERRORS} from '../artifacts/errors.js'
import {AUDIT_ERRORS} from '../audit/errors.js'
import {CORE_ERRORS, type ErrorCodes} from '../core/errors.js'
import {CRYPTO_ERRORS} from '../crypto/errors.js'
import {INFERENCE_ERRORS} from '../inference/errors.js'

/** Each domain's table of error codes, by domain (a code belongs to exactly one). */
export const ERROR_TABLES = {
  core: CORE_ERRORS,
  artifacts: ARTIFACTS_ERRORS,
  audit: AUDIT_ERRORS,
  crypto: CRYPTO_ERRORS,
  inference: INFERENCE_ERRORS,
} as const

/** Every code an llmsec command can print, with its exit code and meaning (docs/errors.md). */
export const ERROR_CODES = {
  ...CORE_ERRORS,
  ...ARTIFACTS_ERRORS,
  ...AUDIT_ERRORS,
  ...CRYPTO_ERRORS,
  ...INFERENCE_ERRORS,
} as const satisfies ErrorCodes<string>

/** The closed union of error codes: what `{"error": {"code"}}` can hold. */
export type LlmsecErrorCode = keyof typeof ERROR_CODES

/** Whether a code is one of the declared codes. */
export function isErrorCode(code: string): code is LlmsecErrorCode {
  return Object.hasOwn(ERROR_CODES, code)
}
