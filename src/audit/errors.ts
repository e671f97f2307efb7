import {errorConstructor, usageCode, type ErrorCodes} from '../core/errors.js'

/** Codes of the audit domain; waivers, reports and YAML syntax use the core INPUT_* codes. */
export const AUDIT_ERRORS = {
  RULESET_INVALID: usageCode(
    'A ruleset breaks the ruleset schema or its references: unknown check, bad parameters, unknown control, extends cycle.',
  ),
} as const satisfies ErrorCodes<string>

export type AuditErrorCode = keyof typeof AUDIT_ERRORS

/** An error of the audit domain. */
export const auditError = errorConstructor<AuditErrorCode>(AUDIT_ERRORS)
