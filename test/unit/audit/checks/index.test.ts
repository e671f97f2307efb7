import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'

import {paramsSchema} from '../../../../src/audit/check.js'
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
      const validate = ajv.compile(paramsSchema(check))
      expect(validate({__nope: 1}), `${check.id} accepts unknown params`).toBe(false)
    }
  })

  it('documents every check in docs/rulesets.md: what it checks, each param, when it applies', () => {
    const docs = readFileSync(join(repoRoot, 'docs', 'rulesets.md'), 'utf8')
    const sections = new Map(
      docs
        .split(/^### /m)
        .slice(1)
        .map((section) => [section.split('\n')[0].trim(), section]),
    )
    for (const check of CHECKS) {
      const section = sections.get(`\`${check.id}\``)
      expect(section, `docs/rulesets.md has no "### \`${check.id}\`" entry`).toBeDefined()
      const names = Object.keys((paramsSchema(check) as {properties?: object}).properties ?? {})
      for (const name of names) expect(section, `${check.id} entry: param ${name}`).toContain(`\`${name}\``)
      if (!names.length) expect(section, `${check.id} entry`).toMatch(/Params: none/)
      for (const condition of check.appliesWhen ?? [])
        expect(section, `${check.id} entry: appliesWhen ${condition}`).toMatch(
          new RegExp(`Applies:[^]*\`${condition}\``),
        )
      if (check.live) expect(section, `${check.id} entry`).toMatch(/Applies:[^]*on the running host only/)
      else expect(section, `${check.id} entry`).toMatch(/Applies: /)
    }
  })
})
