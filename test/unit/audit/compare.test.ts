import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {RuleResult, RuleStatus, Severity} from '../../../src/audit/index.js'
import {compareAudits} from '../../../src/audit/compare.js'
import {exitCodeFor} from '../../../src/audit/policy.js'
import type {AuditReport} from '../../../src/audit/reports/index.js'
import {auditOf} from '../../helpers/audit-results.js'

function rule(ruleId: string, status: RuleStatus, severity: Severity = 'high', location?: string): RuleResult {
  return {
    ruleId,
    title: ruleId,
    status,
    severity,
    controls: {},
    evidence: [`${ruleId} ${status}`],
    remediation: '',
    location,
  }
}

const ids = (refs: {ruleId: string; subject: string | null}[]) => refs.map((r) => `${r.ruleId}@${r.subject ?? ''}`)

describe('compareAudits', () => {
  it('matches failures by rule id and subject: another file is one fixed and one new failure', () => {
    const then = auditOf([rule('secret', 'fail', 'high', '/a'), rule('ssh', 'fail'), rule('umask', 'pass', 'low')])
    const now = auditOf([rule('secret', 'fail', 'high', '/b'), rule('ssh', 'pass'), rule('umask', 'fail', 'low')])
    const c = compareAudits(then, now, 'prev.json')
    expect(ids(c.introduced)).toEqual(['secret@/b', 'umask@'])
    expect(ids(c.resolved)).toEqual(['secret@/a', 'ssh@'])
    expect(c.persisting).toBe(0)
    expect(c.scoreChange).toBe(Math.round((now.score - then.score) * 10) / 10)
  })

  it('never calls a waived failure or a rule this run did not evaluate fixed', () => {
    const then = auditOf([rule('a', 'fail'), rule('b', 'error'), rule('c', 'fail')])
    const now = auditOf([rule('a', 'waived'), rule('c', 'not-applicable')])
    const c = compareAudits(then, now, 'prev.json')
    expect(ids(c.waived)).toEqual(['a@'])
    expect(ids(c.notEvaluated)).toEqual(['b@'])
    expect(ids(c.resolved)).toEqual(['c@'])
    expect(c.introduced).toEqual([])
  })

  it('a rule the previous run did not evaluate is new when it fails; an error is a failure', () => {
    const c = compareAudits(auditOf([rule('a', 'pass')]), auditOf([rule('a', 'error'), rule('z', 'fail', 'low')]), 'p')
    expect(c.introduced.map((r) => [r.ruleId, r.status])).toEqual([
      ['a', 'error'],
      ['z', 'fail'],
    ])
  })

  it('lists evidence a persisting failure gained and model files added or removed', () => {
    const then: AuditReport = auditOf([{...rule('vuln', 'fail'), evidence: ['torch 2.0 CVE-1']}])
    const now: AuditReport = auditOf([{...rule('vuln', 'fail'), evidence: ['torch 2.0 CVE-1', 'vllm 0.5 CVE-2']}])
    const inventory = (paths: string[]) => ({
      os: null,
      gpus: [],
      runtimes: [],
      modelDirs: [],
      modelFiles: paths.length,
      modelBytes: 0,
      models: paths.map((path) => ({path, format: 'gguf', sizeBytes: 1})),
    })
    then.inventory = inventory(['/m/a.gguf', '/m/b.gguf'])
    now.inventory = inventory(['/m/b.gguf', '/m/c.gguf'])
    const c = compareAudits(then, now, 'p')
    expect(c.persisting).toBe(1)
    expect(c.newEvidence).toEqual([{ruleId: 'vuln', subject: null, lines: ['vllm 0.5 CVE-2']}])
    expect(c.models).toEqual({added: ['/m/c.gguf'], removed: ['/m/a.gguf']})
    expect(compareAudits(auditOf([]), auditOf([]), 'p').models).toBeNull()
  })

  it('agrees with a set model of introduced/resolved on random pairs of runs', () => {
    const statuses: RuleStatus[] = ['pass', 'fail', 'error', 'not-applicable', 'waived']
    const entry = fc.record({
      id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6'),
      status: fc.constantFrom(...statuses),
      subject: fc.option(fc.constantFrom('/x', '/y'), {nil: undefined}),
    })
    const run = fc.uniqueArray(entry, {selector: (e) => e.id, maxLength: 6})
    fc.assert(
      fc.property(run, run, (a, b) => {
        const then = auditOf(a.map((e) => rule(e.id, e.status, 'high', e.subject)))
        const now = auditOf(b.map((e) => rule(e.id, e.status, 'high', e.subject)))
        const failing = (xs: typeof a) =>
          new Set(
            xs.filter((e) => e.status === 'fail' || e.status === 'error').map((e) => `${e.id}@${e.subject ?? ''}`),
          )
        const [f0, f1] = [failing(a), failing(b)]
        const nowStatus = new Map<string, RuleStatus>(b.map((e) => [e.id, e.status]))
        const c = compareAudits(then, now, 'p')
        expect(ids(c.introduced).sort()).toEqual([...f1].filter((k) => !f0.has(k)).sort())
        const gone = [...f0].filter((k) => !f1.has(k))
        const all = [...ids(c.resolved), ...ids(c.waived), ...ids(c.notEvaluated)].sort()
        expect(all).toEqual(gone.sort())
        const statusOf = (k: string) => nowStatus.get(k.split('@')[0])
        for (const k of ids(c.resolved)) expect(['pass', 'not-applicable', 'fail', 'error']).toContain(statusOf(k))
        for (const k of ids(c.waived)) expect(statusOf(k)).toBe('waived')
        for (const k of ids(c.notEvaluated)) expect(statusOf(k)).toBeUndefined()
        expect(c.persisting).toBe([...f1].filter((k) => f0.has(k)).length)
      }),
      {numRuns: 500},
    )
  })
})

describe('exitCodeFor with failOnNew', () => {
  const then = auditOf([rule('old', 'fail', 'critical')])
  const now = (extra: RuleResult[]): AuditReport => {
    const report: AuditReport = auditOf([rule('old', 'fail', 'critical'), ...extra])
    report.comparison = compareAudits(then, report, 'p')
    return report
  }

  it('exits 1 only for a new failure at or above the threshold, not for one that was there', () => {
    expect(exitCodeFor(now([]), {failOnNew: 'high'})).toBe(0)
    expect(exitCodeFor(now([rule('new', 'fail', 'medium')]), {failOnNew: 'high'})).toBe(0)
    expect(exitCodeFor(now([rule('new', 'fail', 'medium')]), {failOnNew: 'medium'})).toBe(1)
    expect(exitCodeFor(now([rule('new', 'fail', 'high')]), {failOnNew: 'high'})).toBe(1)
  })

  it('an unevaluated rule still exits 4 unless allowed, and then counts as a new failure', () => {
    const report = now([rule('new', 'error', 'high')])
    expect(exitCodeFor(report, {failOnNew: 'high'})).toBe(4)
    expect(exitCodeFor(report, {failOnNew: 'high', allowIncomplete: true})).toBe(1)
  })

  it('without a comparison every failure counts as new (fail closed)', () => {
    expect(exitCodeFor(auditOf([rule('old', 'fail', 'critical')]), {failOnNew: 'critical'})).toBe(1)
  })
})
