import {describe, expect, it} from 'vitest'

import {findCheck, loadRuleset} from '../../src/audit/index.js'
import type {ResolvedRule} from '../../src/audit/index.js'
import type {CheckStatus} from '../../src/audit/audit.types.js'
import {expectOutcome, runCase, type CheckCase} from './check-tester.js'

/** A built-in rule's two crafted roots: one it must fail (or error on), one it must pass. */
export interface RuleCases {
  fail: CheckCase<never> & {status?: Exclude<CheckStatus, 'pass' | 'not-applicable'>}
  pass: CheckCase<never>
}

/** Rule id → its cases, for one area of a built-in ruleset (a *.cases.ts file under test/unit/audit/rules/). */
export type RuleCaseTable = Record<string, RuleCases>

/**
 * Runs each rule of a built-in ruleset the way the audit engine does (its check, its params and its
 * appliesWhen) on the failing and on the passing root of its cases. Call it with top-level await.
 */
export async function runRuleCases(rulesetId: string, table: RuleCaseTable): Promise<void> {
  const rules = new Map((await loadRuleset(rulesetId)).rules.map((r) => [r.id, r]))
  describe(`${rulesetId} rules`, () => {
    for (const [id, cases] of Object.entries(table)) {
      const rule = rules.get(id)
      it(`${id} is a rule of ${rulesetId}`, () => expect(rule, `no rule ${id} in ${rulesetId}`).toBeDefined())
      if (!rule) continue
      it(`${id} fails: ${cases.fail.name}`, async () =>
        expectOutcome(await runRule(rule, cases.fail), cases.fail.status ?? 'fail', cases.fail))
      it(`${id} passes: ${cases.pass.name}`, async () =>
        expectOutcome(await runRule(rule, cases.pass), 'pass', cases.pass))
    }
  })
}

function runRule(rule: ResolvedRule, c: CheckCase<never>) {
  const check = findCheck(rule.check.id)
  if (!check) throw new Error(`rule ${rule.id}: unknown check ${rule.check.id}`)
  return runCase(check, {...c, params: rule.check.params as never}, rule.appliesWhen)
}
