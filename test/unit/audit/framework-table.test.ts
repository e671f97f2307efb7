import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {frameworkTable, LIMITS_NOT_STATED, renderFrameworkMarkdown} from '../../../src/audit/framework-table.js'
import {findCheck} from '../../../src/audit/checks/index.js'
import {listBuiltInRulesets, loadRuleset} from '../../../src/audit/index.js'
import {repoRoot} from '../../helpers/cli.js'

const rulesets = await Promise.all((await listBuiltInRulesets()).map((id) => loadRuleset(id)))

describe('framework tables', () => {
  it('list every control a framework ruleset maps, each with every rule mapped to it', () => {
    for (const ruleset of rulesets.filter((r) => r.framework)) {
      const framework = ruleset.framework!
      const table = frameworkTable(ruleset)
      const pairs = table.flatMap(({control, rules}) => rules.map((r) => `${control} ${r.id}`)).sort()
      const expected = ruleset.rules.flatMap((r) => (r.controls[framework] ?? []).map((c) => `${c} ${r.id}`)).sort()
      expect(pairs, ruleset.id).toEqual(expected)
      expect(new Set(table.map((row) => row.control)).size, ruleset.id).toBe(table.length)
    }
  })

  it('say what a pass does not show where the rule states it, and "not stated" otherwise', async () => {
    const hipaa = rulesets.find((r) => r.id === 'hipaa')!
    const rows = frameworkTable(hipaa).flatMap((row) => row.rules)
    const signed = rows.find((r) => r.id === 'models-signed')!
    expect(signed.limits).toBe(hipaa.rules.find((r) => r.id === 'models-signed')!.limits)
    expect(signed.limits).not.toBe(LIMITS_NOT_STATED)
    expect(frameworkTable(await loadRuleset('baseline'))).toEqual([])
  })

  it("take the check's limits for a rule that states none, and every built-in rule has one", async () => {
    const baseline = await loadRuleset('baseline')
    const bySysctl = baseline.rules.filter((r) => r.check.id === 'sysctl-value')
    const sysctlLimits = findCheck('sysctl-value')!.limits
    expect(bySysctl.filter((r) => r.limits === sysctlLimits).length).toBeGreaterThan(0)
    expect(bySysctl.some((r) => r.limits !== sysctlLimits)).toBe(true)
    const unstated = rulesets.flatMap((ruleset) =>
      ruleset.rules.filter((r) => !r.limits).map((r) => `${ruleset.id}/${r.id}`),
    )
    expect(unstated).toEqual([])
  })

  it('are what docs/rulesets.md shows (npx tsx scripts/render-framework-tables.ts)', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'rulesets.md'), 'utf8')
    expect(doc).toContain(
      `<!-- framework-tables:start -->\n${renderFrameworkMarkdown(rulesets)}<!-- framework-tables:end -->`,
    )
  })
})
