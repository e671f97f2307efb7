import {readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect, it} from 'vitest'

import {loadRuleset} from '../../../../src/audit/index.js'
import {runRuleCases, type RuleCaseTable} from '../../../helpers/rule-tester.js'

/**
 * Every baseline rule is run on a crafted root it must fail and on one it must pass. The cases live
 * in one *.cases.ts file per area next to this test, each exporting `cases` (a RuleCaseTable).
 */
const here = dirname(fileURLToPath(import.meta.url))
const tables: RuleCaseTable[] = []
for (const file of readdirSync(here)
  .filter((f) => f.endsWith('.cases.ts'))
  .sort()) {
  const module = (await import(join(here, file))) as {cases: RuleCaseTable}
  tables.push(module.cases)
}
const table: RuleCaseTable = {}
for (const t of tables)
  for (const [id, cases] of Object.entries(t)) {
    if (id in table) throw new Error(`rule ${id} has cases in two files`)
    table[id] = cases
  }

await runRuleCases('baseline', table)

/**
 * Rules written before this table existed that still lack cases. The list may only shrink: a rule
 * that gains cases must leave it, and no new rule may join it.
 */
const PENDING = new Set<string>([])

it('every baseline rule has a failing and a passing root', async () => {
  const ids = (await loadRuleset('baseline')).rules.map((r) => r.id)
  const missing = ids.filter((id) => !(id in table))
  expect(
    missing.filter((id) => !PENDING.has(id)),
    'rules without cases',
  ).toEqual([])
  expect(
    [...PENDING].filter((id) => id in table || !ids.includes(id)),
    'leave PENDING',
  ).toEqual([])
})
