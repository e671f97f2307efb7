// Each table straight from its errors.ts (which imports only core): the base command needs the
// codes on every run, and a domain's index.ts would load the whole domain at start-up.
import {ARTIFACTS_ERRORS} from '../artifacts/errors.js'
import {AUDIT_ERRORS} from '../audit/errors.js'
import {CORE_ERRORS, type ErrorCodes} from '../core/errors.js'
import {CRYPTO_ERRORS} from '../crypto/errors.js'
import {IMAGE_ERRORS} from '../image/errors.js'
import {INFERENCE_ERRORS} from '../inference/errors.js'

/** Each domain's table of error codes, by domain (a code belongs to exactly one). */
export const ERROR_TABLES = {
  core: CORE_ERRORS,
  artifacts: ARTIFACTS_ERRORS,
  audit: AUDIT_ERRORS,
  crypto: CRYPTO_ERRORS,
  image: IMAGE_ERRORS,
  inference: INFERENCE_ERRORS,
} as const

/** Every code an llmsec command can print, with its exit code and meaning (docs/errors.md). */
export const ERROR_CODES = {
  ...CORE_ERRORS,
  ...ARTIFACTS_ERRORS,
  ...AUDIT_ERRORS,
  ...CRYPTO_ERRORS,
  ...IMAGE_ERRORS,
  ...INFERENCE_ERRORS,
} as const satisfies ErrorCodes<string>

/** The closed union of error codes: what `{"error": {"code"}}` can hold. */
export type LlmsecErrorCode = keyof typeof ERROR_CODES

/** Whether a code is one of the declared codes. */
export function isErrorCode(code: string): code is LlmsecErrorCode {
  return Object.hasOwn(ERROR_CODES, code)
}
