import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv} from 'ajv'

import {repoRoot} from './cli.js'

const ajv = new Ajv({allErrors: true, strict: true})

/** Validates a value against docs/json/<name>.schema.json; returns ajv's errors as text ('' when valid). */
export function schemaErrors(name: string, value: unknown): string {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'json', `${name}.schema.json`), 'utf8')) as {
    $id: string
  }
  const validate = ajv.getSchema(schema.$id) ?? ajv.compile(schema)
  return validate(value) ? '' : ajv.errorsText(validate.errors)
}
