import {describe, expect, it} from 'vitest'

import {asAuditReport} from '../../../../src/audit/reports/fleet.js'
import type {AuditReport} from '../../../../src/audit/reports/index.js'
import {scoreAudit} from '../../../../src/audit/score.js'
import {auditOf} from '../../../helpers/audit-results.js'
import {sampleReport} from '../../../helpers/sample-report.js'

/** A saved result as read back from disk (a fresh copy each time). */
const saved = (report: AuditReport = sampleReport()) => JSON.parse(JSON.stringify(report)) as AuditReport
const view = (r: AuditReport, ruleId: string) => r.rulesets[0].rules.find((x) => x.ruleId === ruleId)!
const refusal = (data: unknown) => {
  try {
    asAuditReport(data, 'host.json')
  } catch (error) {
    return (error as Error).message
  }
  return null
}

/** Two rulesets sharing one rule, as the engine writes them: the result is the worst view. */
function shared(): AuditReport {
  const audit = auditOf([
    {
      ruleId: 'retention',
      title: 'Logs are kept',
      status: 'fail',
      severity: 'high',
      controls: {hipaa: ['164.312(b)'], 'nist-800-53': ['AU-11']},
      evidence: ['hipaa: kept 30 days'],
      remediation: 'keep them',
      weight: 6,
      rulesets: ['hipaa', 'baseline'],
    },
  ])
  audit.rulesets = [
    {
      id: 'hipaa',
      score: 0,
      rules: [{ruleId: 'retention', status: 'fail', severity: 'high', weight: 6, controls: {hipaa: ['164.312(b)']}}],
    },
    {
      id: 'baseline',
      score: 0,
      rules: [
        {ruleId: 'retention', status: 'pass', severity: 'medium', weight: 3, controls: {'nist-800-53': ['AU-11']}},
      ],
    },
  ]
  scoreAudit(audit)
  return JSON.parse(JSON.stringify(audit)) as AuditReport
}

describe('asAuditReport: ruleset views against the results', () => {
  it('accepts what the engine writes: waived rules, a rule shared with other parameters', () => {
    expect(refusal(saved())).toBeNull()
    expect(refusal(shared())).toBeNull()
  })

  it('drops undocumented fields of views and view rules, and computes their scores again', () => {
    const r = saved() as unknown as {rulesets: Record<string, unknown>[]}
    r.rulesets[0].extra = 'x'
    ;(r.rulesets[0].rules as Record<string, unknown>[])[0].evidence = ['copy']
    const read = asAuditReport(r, 'host.json')
    expect(read.rulesets[0]).not.toHaveProperty('extra')
    expect(read.rulesets[0].rules[0]).not.toHaveProperty('evidence')
    expect(read.rulesets[0].controlFamilies?.length).toBeGreaterThan(0)
  })

  it('refuses every way a view can disagree, naming the file', () => {
    const cases: [string, (r: AuditReport) => void, RegExp][] = [
      ['unknown rule', (r) => r.rulesets[0].rules.push({...view(r, 'auditd'), ruleId: 'ghost'}), /names rule ghost/],
      [
        'rule in no view',
        (r) => (r.rulesets[0].rules = r.rulesets[0].rules.filter((x) => x.ruleId !== 'auditd')),
        /auditd is in no ruleset view/,
      ],
      ['other status', (r) => (view(r, 'auditd').status = 'pass'), /another status than "fail"/],
      ['waived view of an unwaived rule', (r) => (view(r, 'auditd').status = 'waived'), /another status/],
      ['failed view of a waived rule', (r) => (view(r, 'ssh-root').status = 'fail'), /another status than "waived"/],
      ['other severity', (r) => (view(r, 'auditd').severity = 'critical'), /rate rule auditd/],
      ['other weight', (r) => (view(r, 'auditd').weight = 60), /weigh rule auditd/],
      ['control the result lacks', (r) => (view(r, 'auditd').controls = {'pci-dss': ['10.2']}), /pci-dss 10\.2/],
      [
        'rulesets list',
        (r) => (r.rules.find((x) => x.ruleId === 'auditd')!.rulesets = ['hipaa']),
        /lists rulesets hipaa/,
      ],
      ['claimed view score', (r) => (r.rulesets[0].score = 99), /claims score 99/],
      ['claimed score', (r) => (r.score = 99), /claims score 99, its rules give 20/],
      [
        'bad view severity',
        (r) => ((view(r, 'auditd') as {severity: string}).severity = 'urgent'),
        /severity is not one of/,
      ],
      ['bad controls', (r) => ((r.rules[0] as {controls: unknown}).controls = 'AC-3'), /controls is not an object/],
      ['duplicate result', (r) => r.rules.push(r.rules[0]), /in "rules" twice/],
    ]
    for (const [name, change, reason] of cases) {
      const r = saved()
      change(r)
      const message = refusal(r)
      expect(message, name).toMatch(/^host\.json is not an llmsec audit result: /)
      expect(message, name).toMatch(reason)
    }
    const worse = shared()
    worse.rulesets[0].rules[0].status = 'pass'
    expect(refusal(worse)).toMatch(/another status than "fail"/)
  })
})
