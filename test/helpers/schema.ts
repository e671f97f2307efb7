import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv, type ValidateFunction} from 'ajv'
import * as addFormatsModule from 'ajv-formats'
import {expect} from 'vitest'

import {repoRoot} from './cli.js'

// ajv-formats is CommonJS: under ESM its function arrives as the `default` export.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv

const ajv = new Ajv({allErrors: true, strict: false})
addFormats(ajv)

/** Compiles a JSON Schema from docs/json/<name>.schema.json (cached). */
export function loadDocSchema(name: string): ValidateFunction {
  const cached = ajv.getSchema(name)
  if (cached) return cached
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'json', `${name}.schema.json`), 'utf8')) as object
  ajv.addSchema(schema, name)
  return ajv.getSchema(name)!
}

/** Throws with readable errors when data does not match. */
export function assertValid(validate: ValidateFunction, data: unknown): void {
  if (!validate(data)) throw new Error(`schema errors:\n${JSON.stringify(validate.errors, null, 2)}`)
}

/** Asserts that `data` matches docs/json/<name>.schema.json, printing the schema errors when not. */
export function expectSchema(name: string, data: unknown): void {
  const validate = loadDocSchema(name)
  const ok = validate(data)
  expect(ok ? [] : validate.errors).toEqual([])
}
