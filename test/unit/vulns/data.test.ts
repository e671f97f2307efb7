import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import * as addFormatsModule from 'ajv-formats'
import {describe, expect, it} from 'vitest'

import {BUNDLED} from '../../../src/vulns/db.js'
import {affectedKey, comparatorFor, judgeAffected, recordSeverity} from '../../../src/vulns/osv.js'
import {sharedDir} from '../../helpers/cli.js'
import {skipReason} from '../../helpers/env.js'

const addFormats = addFormatsModule.default as unknown as (ajv: Ajv2020) => Ajv2020
// The official OSV JSON schema is another project's file and no npm or Debian package ships it, so it is
// not in the repository: the check runs against ../shared's copy or a file named by LLMSEC_OSV_SCHEMA.
const schemaPath = process.env.LLMSEC_OSV_SCHEMA ?? join(sharedDir, 'interop', 'osv', 'schema.json')
const noSchema = skipReason(
  !existsSync(schemaPath),
  `${schemaPath} is absent (set LLMSEC_OSV_SCHEMA to the OSV project's validation/schema.json): the OSV JSON schema check is skipped`,
)

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

  // [id, package, versions the advisory names as affected, versions it names as fixed or outside, severity]
  const cases: [string, string, string[], string[], string][] = [
    ['GHSA-mrw7-hf4f-83pf', 'vllm', ['0.10.2', '0.11.0', '0.11.1rc1'], ['0.10.1.1', '0.11.1'], 'high'],
    ['GHSA-37q5-v5qm-c9v8', 'transformers', ['4.37.2'], ['4.38.0'], 'low'],
    ['GHSA-hxxf-235m-72v3', 'transformers', ['4.47.1'], ['4.48.0'], 'high'],
    ['PYSEC-2026-2289', 'transformers', ['4.57.1', '5.2.0'], ['5.3.0'], 'high'],
    ['GHSA-h3xg-wv58-5p43', 'ray', ['2.6.3', '2.8.0'], ['2.8.1'], 'critical'],
    ['GHSA-6wgj-66m2-xxp2', 'ray', ['2.49.2'], ['2.50.0'], 'critical'],
    ['GHSA-44cc-43rp-5947', 'notebook', ['7.0.0', '7.0.6'], ['6.5.6', '7.0.7'], 'high'],
    ['GHSA-ffxj-547x-5j7c', 'onnx', ['1.12.0'], ['1.13.0'], 'high'],
    ['GHSA-gw97-ff7c-9v96', 'tensorflow', ['2.11.0'], ['2.11.1', '2.12.0'], 'critical'],
  ]
  it.each(cases)('%s judges the %s versions its advisory names', (id, name, affected, outside, severity) => {
    const record = BUNDLED.records.find((r) => r.id === id)!
    const entry = record.affected!.find((a) => a.package?.name === name)!
    for (const v of affected) expect(judgeAffected(entry, 'PyPI', v), `${id} ${v}`).toBe('affected')
    for (const v of outside) expect(judgeAffected(entry, 'PyPI', v), `${id} ${v}`).toBe('not-affected')
    expect(recordSeverity(record, entry)).toBe(severity)
  })
})
