import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'

import {CHECKS} from '../../../../src/audit/checks/index.js'
import {listBuiltInRulesets, loadRuleset} from '../../../../src/audit/index.js'
import {repoRoot} from '../../../helpers/cli.js'

const checkFiles = readdirSync(join(repoRoot, 'src', 'audit', 'checks'))
  .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
  .map((name) => name.slice(0, -3))
  .sort()

describe('check registry', () => {
  it('registers every check file, sorted by id, with the file name as id', () => {
    expect(CHECKS.map((c) => c.id)).toEqual(checkFiles)
    expect(CHECKS.map((c) => c.id)).toEqual([...CHECKS.map((c) => c.id)].sort())
  })

  it('has a unit test for every check', () => {
    const tests = new Set(readdirSync(join(repoRoot, 'test', 'unit', 'audit', 'checks')))
    for (const id of checkFiles) expect(tests.has(`${id}.test.ts`), `test/unit/audit/checks/${id}.test.ts`).toBe(true)
  })

  it('uses every check in at least one built-in ruleset', async () => {
    const used = new Set<string>()
    for (const id of await listBuiltInRulesets())
      for (const rule of (await loadRuleset(id)).rules) used.add(rule.check.id)
    for (const id of checkFiles) expect(used.has(id), `check ${id} is used by no ruleset`).toBe(true)
  })

  it('gives every check metadata and a compilable params schema that rejects unknown keys', () => {
    const ajv = new Ajv({strict: false})
    for (const check of CHECKS) {
      expect(check.title.length, check.id).toBeGreaterThan(5)
      expect(check.description.length, check.id).toBeGreaterThan(10)
      const validate = ajv.compile(check.params)
      expect(validate({__nope: 1}), `${check.id} accepts unknown params`).toBe(false)
    }
  })
})
