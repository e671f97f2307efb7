import {Ajv, type ValidateFunction} from 'ajv'

import {paramsSchema} from './check.js'

/*
 * The params validator lives apart from check.ts, which every check imports: ajv is loaded only
 * where params are validated (a ruleset parsed from YAML, the check tests), not by a cached audit.
 */
const ajv = new Ajv({allErrors: false, strict: false})
const validators = new WeakMap<object, ValidateFunction>()

/** The compiled validator of a check's params (the ruleset parser and the check tester use it). */
export function paramsValidator(check: {params: object}): ValidateFunction {
  let validate = validators.get(check.params)
  if (!validate) {
    validate = ajv.compile(paramsSchema(check))
    validators.set(check.params, validate)
  }
  return validate
}
