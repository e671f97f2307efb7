import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv} from 'ajv'

import {repoRoot} from './cli.js'

/** Validates a value against docs/json/<name>.schema.json; returns ajv's errors as text, or null. */
export function schemaErrors(name: string, value: unknown): string | null {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'json', `${name}.schema.json`), 'utf8')) as object
  const ajv = new Ajv({allErrors: true, strict: false})
  const validate = ajv.compile(schema)
  return validate(value) ? null : ajv.errorsText(validate.errors)
}
