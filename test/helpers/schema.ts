import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv, type ValidateFunction} from 'ajv'
import * as addFormatsModule from 'ajv-formats'

import {repoRoot} from './cli.js'

// ajv-formats is CommonJS: under ESM its function arrives as the `default` export.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv

/** Compiles a JSON Schema from docs/json/<name>.schema.json. */
export function loadDocSchema(name: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'json', `${name}.schema.json`), 'utf8')) as object
  const ajv = new Ajv({allErrors: true, strict: false})
  addFormats(ajv)
  return ajv.compile(schema)
}

/** Throws with readable errors when data does not match. */
export function assertValid(validate: ValidateFunction, data: unknown): void {
  if (!validate(data)) throw new Error(`schema errors:\n${JSON.stringify(validate.errors, null, 2)}`)
}
