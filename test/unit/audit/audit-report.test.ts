import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {exitCodeFor, loadRuleset, runAuditReport} from '../../../src/audit/index.js'
import {parseWaivers} from '../../../src/audit/reports/index.js'
import {ExitCode} from '../../../src/core/errors.js'
import {buildCarelessRoot} from '../../helpers/audit-roots.js'
import {removeRoot} from '../../helpers/rootfs.js'

const NOW = new Date('2026-11-01T12:00:00Z')
const waiverFor = (rule: string, expires: string) =>
  parseWaivers(
    `waivers:\n  - rule: ${rule}\n    justification: converted next sprint, SEC-160\n    approver: ciso@example.org\n    created: 2026-04-01\n    expires: ${expires}\n`,
    'w.yaml',
  )

describe('runAuditReport', () => {
  let root: string
  beforeAll(async () => {
    root = await buildCarelessRoot()
  })
  afterAll(() => removeRoot(root))

  const audit = async (waivers: ReturnType<typeof waiverFor> | null) =>
    runAuditReport({
      rulesets: [await loadRuleset('baseline')],
      root,
      rules: ['no-pickle-models'],
      waivers,
      policy: {failOn: 'high', failUnder: 10},
      now: NOW,
    })

  it('returns the complete report in one call: policy recorded, inventory from the same facts', async () => {
    const report = await audit(null)
    expect(report).toMatchObject({failOn: 'high', failUnder: 10, root})
    expect(report.rules[0]).toMatchObject({ruleId: 'no-pickle-models', status: 'fail'})
    expect(report.inventory?.modelFiles).toBeGreaterThan(0)
    expect(report.waivers).toBeUndefined()
    expect(exitCodeFor(report, report)).toBe(ExitCode.Findings)
  })

  it('applies waivers and scores again before the exit policy is judged', async () => {
    const waived = await audit(waiverFor('baseline.no-pickle-models', '2027-03-31'))
    expect(waived.rules[0].waived).toMatchObject({by: 'ciso@example.org'})
    expect(waived.waivers?.outcomes[0].state).toBe('active')
    expect(waived.score).toBe(100)
    expect(exitCodeFor(waived, {failOn: 'high'})).toBe(ExitCode.Ok)
    // An expired waiver no longer hides the failure.
    const expired = await audit(waiverFor('baseline.no-pickle-models', '2026-10-31'))
    expect(exitCodeFor(expired, {failOn: 'high'})).toBe(ExitCode.Findings)
  })

  it('defaults the recorded policy to fail-on high with no score floor', async () => {
    const report = await runAuditReport({rulesets: [await loadRuleset('baseline')], root, rules: ['no-pickle-models']})
    expect(report).toMatchObject({failOn: 'high', failUnder: null})
  })
})
