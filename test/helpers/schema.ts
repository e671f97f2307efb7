import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv} from 'ajv'
import {expect} from 'vitest'

import {repoRoot} from './cli.js'

const ajv = new Ajv({allErrors: true})

/** Asserts that `data` matches docs/json/<name>.schema.json, printing the schema errors when not. */
export function expectSchema(name: string, data: unknown): void {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'json', `${name}.schema.json`), 'utf8')) as object
  const validate = ajv.getSchema(name) ?? (ajv.addSchema(schema, name), ajv.getSchema(name)!)
  const ok = validate(data)
  expect(ok ? [] : validate.errors).toEqual([])
}
