import {loadDocSchema} from './schema.js'

/** Validates a value against docs/json/<name>.schema.json; returns ajv's errors as text, or null. */
export function schemaErrors(name: string, value: unknown): string | null {
  const validate = loadDocSchema(name)
  return validate(value) ? null : JSON.stringify(validate.errors)
}
