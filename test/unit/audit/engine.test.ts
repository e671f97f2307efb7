import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {
  builtInRulesetDir,
  exitCodeFor,
  loadRuleset,
  runAudit,
  validateRulesets,
  type AuditResult,
  type RuleResult,
} from '../../../src/audit/index.js'
import {controlFamily, scoreControlFamilies, scoreResults} from '../../../src/audit/score.js'
import {auditOf} from '../../helpers/audit-results.js'
import {createTestFacts} from '../../helpers/check-context.js'
import {buildCarelessRoot} from '../../helpers/audit-roots.js'
import {removeRoot} from '../../helpers/rootfs.js'

const result = (status: RuleResult['status'], severity: RuleResult['severity'], controls = {}): RuleResult => ({
  ruleId: `${status}-${severity}`,
  title: 't',
  status,
  severity,
  controls,
  evidence: [],
  remediation: '',
})

describe('score', () => {
  it('is a severity-weighted pass ratio; error counts as a failure; not-applicable and waived are left out', () => {
    expect(scoreResults([result('pass', 'critical'), result('fail', 'low')])).toBe(90.9)
    expect(scoreResults([result('pass', 'critical'), result('error', 'low')])).toBe(90.9)
    expect(scoreResults([result('pass', 'high'), result('error', 'high')])).toBe(50)
    expect(scoreResults([result('not-applicable', 'high'), result('waived', 'critical')])).toBe(100)
    expect(scoreResults([result('not-applicable', 'high'), result('pass', 'low')])).toBe(100)
    expect(scoreResults([result('fail', 'info'), result('pass', 'low')])).toBe(100)
  })

  it('caps the score at 40 (or the given cap) when a critical rule fails or errors', () => {
    const passes = Array.from({length: 30}, () => result('pass', 'high'))
    expect(scoreResults([...passes, result('fail', 'critical')])).toBe(40)
    expect(scoreResults([...passes, result('error', 'critical')])).toBe(40)
    expect(scoreResults([...passes, result('fail', 'critical')], 25)).toBe(25)
    expect(scoreResults([...passes, result('waived', 'critical')])).toBe(100)
    expect(scoreResults([result('fail', 'critical'), result('fail', 'high')])).toBe(0)
  })

  it('groups controls into families per framework', () => {
    expect(controlFamily('nist-800-53', 'SC-7(5)')).toBe('SC')
    expect(controlFamily('pci-dss', '10.5.1')).toBe('10')
    expect(controlFamily('hipaa', '164.312(a)(2)(iv)')).toBe('164.312(a)')
    expect(controlFamily('gdpr', 'Art. 32(1)(b)')).toBe('Art. 32')
    const families = scoreControlFamilies([
      result('pass', 'high', {'nist-800-53': ['AU-2', 'AU-12']}),
      result('fail', 'high', {'nist-800-53': ['AU-11', 'SC-7']}),
    ])
    expect(families.find((f) => f.family === 'AU')).toMatchObject({score: 50, pass: 1, fail: 1})
    expect(families.find((f) => f.family === 'SC')).toMatchObject({score: 0, fail: 1})
    const ordered = scoreControlFamilies([
      result('pass', 'high', {'pci-dss': ['10.2', '2.2', '1.1'], gdpr: ['Art. 5(1)(e)', 'Art. 32(1)(b)']}),
    ])
    expect(ordered.map((f) => `${f.framework} ${f.family}`)).toEqual([
      'gdpr Art. 5',
      'gdpr Art. 32',
      'pci-dss 1',
      'pci-dss 2',
      'pci-dss 10',
    ])
  })

  it('applies --fail-on and --fail-under', () => {
    const audit = (results: RuleResult[], score: number): AuditResult => ({...auditOf(results, 'x'), score})
    const medium = audit([result('fail', 'medium')], 95)
    expect(exitCodeFor(medium, {})).toBe(0)
    expect(exitCodeFor(medium, {failOn: 'medium'})).toBe(1)
    expect(exitCodeFor(medium, {failOn: 'none', failUnder: 96})).toBe(1)
    expect(exitCodeFor(audit([result('fail', 'critical')], 99), {failOn: 'none'})).toBe(0)
  })

  it('exits 2 for a ruleset validation with an invalid file, 0 when all are valid', async () => {
    const builtIn = join(builtInRulesetDir(), 'baseline.yaml')
    const valid = await validateRulesets([builtIn])
    expect(valid).toMatchObject({valid: true, invalid: []})
    expect(exitCodeFor(valid)).toBe(0)
    const invalid = await validateRulesets([builtIn, '/nonexistent/rules.yaml'])
    expect(invalid.valid).toBe(false)
    expect(invalid.rulesets.map((r) => r.id)).toEqual(['baseline'])
    expect(invalid.invalid).toMatchObject([{file: '/nonexistent/rules.yaml', code: 'INPUT_NOT_FOUND'}])
    expect(exitCodeFor(invalid)).toBe(2)
  })
})

describe('runAudit', () => {
  let root: string
  beforeAll(async () => {
    root = await buildCarelessRoot()
  })
  afterAll(() => removeRoot(root))

  it('runs only --rule ids and rejects an unknown one', async () => {
    const rulesets = [await loadRuleset('baseline')]
    const out = await runAudit({rulesets, root, rules: ['no-pickle-models']})
    expect(out.rules.map((r) => r.ruleId)).toEqual(['no-pickle-models'])
    expect(out.rules[0]).toMatchObject({
      status: 'fail',
      location: '/srv/models/llama-ft/pytorch_model.bin',
    })
    await expect(runAudit({rulesets, root, rules: ['nope']})).rejects.toThrow(/no rule nope in ruleset baseline/)
  })

  it('rejects a --root that is not a directory', async () => {
    const rulesets = [await loadRuleset('baseline')]
    await expect(runAudit({rulesets, root: '/nonexistent/llmsec'})).rejects.toThrow(
      /--root \/nonexistent\/llmsec is not a directory/,
    )
  })

  it('makes live checks and unmet appliesWhen not applicable, with reasons, under --root', async () => {
    const out = await runAudit({rulesets: [await loadRuleset('baseline')], root})
    const byId = new Map(out.rules.map((r) => [r.ruleId, r]))
    expect(byId.get('inference-ports-loopback')?.reason).toBe(
      'listener-exposure needs the running host; --root audits files only',
    )
    expect(byId.get('gpu-ecc-enabled')?.status).toBe('not-applicable')
    expect(byId.get('docker-group-empty')?.reason).toBe('Docker is not installed (no docker group)')
    expect(out.root).toBe(root)
  })

  it('shares facts across rulesets and times out a hanging check with an error', async () => {
    const facts = createTestFacts({root, live: false})
    const rulesets = [await loadRuleset('baseline'), await loadRuleset('hipaa')]
    await runAudit({rulesets, root, facts})
    for (const [id, count] of facts.gatherCounts) expect(count, id).toBe(1)
    const hanging = createTestFacts({root, live: false})
    // A users fact that never arrives: checks needing it must end as errors after the timeout.
    ;(hanging as unknown as {pending: Map<string, Promise<unknown>>}).pending.set('users', new Promise(() => {}))
    const out = await runAudit({
      rulesets: [rulesets[0]],
      root,
      facts: hanging,
      timeoutMs: 200,
      rules: ['secret-files-private'],
    })
    expect(out.rules[0]).toMatchObject({status: 'error'})
    expect(out.rules[0].reason).toMatch(/timed out after 200 ms/)
  })
})
