import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import * as addFormatsModule from 'ajv-formats'
import {describe, expect, it} from 'vitest'

import {BUNDLED} from '../../../src/vulns/db.js'
import {affectedKey, comparatorFor} from '../../../src/vulns/osv.js'
import {sharedDir} from '../../helpers/cli.js'
import {skipReason} from '../../helpers/env.js'

const addFormats = addFormatsModule.default as unknown as (ajv: Ajv2020) => Ajv2020
const schemaPath = join(sharedDir, 'interop', 'osv', 'schema.json')
const noSchema = skipReason(!existsSync(schemaPath), `${schemaPath} is absent: the OSV JSON schema check is skipped`)

describe('the curated AI-stack advisory data', () => {
  it.skipIf(noSchema)('every record validates against the OSV JSON schema', () => {
    const ajv = new Ajv2020({allErrors: true, strict: false})
    addFormats(ajv)
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object)
    const invalid = BUNDLED.records.flatMap((r) =>
      (validate(r) as boolean) ? [] : [{id: r.id, errors: validate.errors}],
    )
    expect(invalid).toEqual([])
  })

  it('every record has an advisory source URL, a severity and ranges llmsec can compare', () => {
    expect(BUNDLED.records.length).toBeGreaterThanOrEqual(10)
    for (const record of BUNDLED.records) {
      expect(record.references?.[0], record.id).toMatchObject({
        type: 'ADVISORY',
        url: expect.stringMatching(/^https:\/\//),
      })
      expect(['CRITICAL', 'HIGH', 'MODERATE', 'LOW'], record.id).toContain(record.database_specific?.severity)
      for (const affected of record.affected ?? []) {
        expect(affectedKey(affected), record.id).not.toBeNull()
        const compare = comparatorFor(affected.package?.ecosystem ?? 'product')!
        for (const range of affected.ranges ?? []) {
          expect(range.events[0], record.id).toHaveProperty('introduced')
          for (const event of range.events) {
            const version = Object.values(event)[0]!
            if (version !== '0') expect(compare(version, version), `${record.id} ${version}`).toBe(0)
          }
        }
      }
    }
  })

  it('ids are unique and the review date is a date', () => {
    const ids = BUNDLED.records.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(BUNDLED.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })
})
