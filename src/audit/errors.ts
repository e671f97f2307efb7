import {errorConstructor, usageCode, type ErrorCodes} from '../core/errors.js'

/** Codes of the audit domain; waivers, reports and YAML syntax use the core INPUT_* codes. */
export const AUDIT_ERRORS = {
  RULESET_INVALID: usageCode(
    'The references of a ruleset do not hold: an unknown check or control, parameters a check refuses, an extends cycle. (Bad YAML or keys are INPUT_MALFORMED.)',
  ),
} as const satisfies ErrorCodes<string>

export type AuditErrorCode = keyof typeof AUDIT_ERRORS

/** An error of the audit domain. */
export const auditError = errorConstructor<AuditErrorCode>(AUDIT_ERRORS)
