import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv} from 'ajv'
import * as ajvDraft04Module from 'ajv-draft-04'
import * as addFormatsModule from 'ajv-formats'

import type {RuleResult} from '../../src/audit/index.js'
import {applyWaivers, parseWaivers, type AuditReport} from '../../src/audit/reports/index.js'
import {auditOf} from './audit-results.js'
import {repoRoot} from './cli.js'

const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv
// Both are CommonJS: under ESM the class/function arrives as the `default` export.
const AjvDraft04 = ajvDraft04Module.default as unknown as typeof Ajv

function rule(
  ruleId: string,
  status: RuleResult['status'],
  severity: RuleResult['severity'],
  extra: Partial<RuleResult> = {},
): RuleResult {
  return {
    ruleId,
    title: `Title of ${ruleId}`,
    status,
    severity,
    controls: {'nist-800-53': ['AC-3'], 'iso-27001': ['A.8.20']},
    evidence: status === 'not-applicable' ? ['not applicable here'] : [`saw ${ruleId} <b>&"quoted"</b>`],
    remediation: `Fix ${ruleId}.\n  systemctl restart thing`,
    checkId: 'file-exists',
    ...(status === 'not-applicable' || status === 'error'
      ? {reason: status === 'not-applicable' ? 'not applicable here' : 'boom'}
      : {}),
    weight: 6,
    durationMs: 3,
    ...extra,
  }
}

/**
 * A fixed audit (one host, one ruleset, every status) with waivers applied on a fixed date:
 * ssh-root waived (active), bind expired, a typo waiver matching nothing.
 */
export function sampleReport(host = 'gpu-1'): AuditReport {
  const results = [
    rule('bind-loopback', 'fail', 'critical', {location: '/etc/systemd/system/ollama.service'}),
    rule('ssh-root', 'fail', 'high', {location: '/etc/ssh/sshd_config'}),
    rule('auditd', 'fail', 'medium'),
    rule('telemetry', 'fail', 'low'),
    rule('firewall', 'pass', 'high'),
    rule('gpu-ecc', 'not-applicable', 'low'),
    rule('kernel', 'error', 'medium'),
  ]
  const audit = auditOf(results, 'baseline', {
    host,
    llmsecVersion: '0.1.0',
    startedAt: '2026-11-01T10:00:00.000Z',
    durationMs: 1234,
    root: '/mnt/image',
    probe: false,
  })
  const waivers = parseWaivers(
    [
      'waivers:',
      '  - rule: baseline.ssh-root',
      '    justification: break-glass console, SEC-142',
      '    approver: ciso@example.org',
      '    created: 2026-04-01',
      '    expires: 2027-03-31',
      '  - rule: bind-loopback',
      '    justification: mTLS proxy in front, SEC-150',
      '    approver: ciso@example.org',
      '    created: 2026-04-01',
      '    expires: 2026-10-01',
      '  - rule: no-such-rule',
      '    justification: a typo in the rule id, SEC-151',
      '    approver: ops@example.org',
      '    created: 2026-04-01',
      '    expires: 2027-01-01',
    ].join('\n'),
    'waivers.yaml',
    {now: new Date('2026-11-01T12:00:00Z')},
  )
  const {audit: waived, waivers: report} = applyWaivers(audit, waivers, new Date('2026-11-01T12:00:00Z'))
  return {
    ...waived,
    waivers: report,
    inventory: {
      os: 'Debian GNU/Linux 12',
      gpus: [],
      gpuNote: 'gpus needs the running host',
      runtimes: [{runtime: 'ollama', source: 'unit', location: '/etc/systemd/system/ollama.service', user: 'root'}],
      modelDirs: ['/srv/models'],
      modelFiles: 2,
      modelBytes: 4096,
    },
  }
}

/** A validator for SARIF 2.1.0: the schema shipped by @microsoft/jest-sarif (draft-04). */
export function loadSarifValidator() {
  const file = join(repoRoot, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json')
  const schema = JSON.parse(readFileSync(file, 'utf8')) as object
  // unicodeRegExp off: the published schema's `language` pattern has a stray ']' that only non-unicode RegExps accept.
  const ajv = new AjvDraft04({allErrors: true, strict: false, unicodeRegExp: false})
  addFormats(ajv)
  return ajv.compile(schema)
}
