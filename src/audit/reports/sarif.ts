import {createHash} from 'node:crypto'

import type {Severity} from '../audit.types.js'
import {describeWaiver, rowsOf, type Row} from './model.js'
import type {AuditReport, FleetReport} from './report.types.js'

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'
const INFORMATION_URI = 'https://github.com/llmsec/llmsec'

/** GitHub code scanning maps security-severity ≥ 9 to critical, ≥ 7 high, ≥ 4 medium, > 0 low. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: '0.0',
}
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
}

type Json = Record<string, unknown>

function ruleDescriptor(row: Row): Json {
  const r = row.result
  const controlTags = Object.entries(r.controls).flatMap(([framework, ids]) => ids.map((id) => `${framework}:${id}`))
  const help = [r.description, r.rationale && `Why: ${r.rationale}`, `Fix: ${r.remediation}`]
    .filter(Boolean)
    .join('\n\n')
  return {
    id: row.key,
    name: row.key.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: {text: r.title},
    fullDescription: {text: r.description ?? r.title},
    help: {text: help, markdown: help.replace(/\n {2}(\S.*)/g, '\n```\n$1\n```')},
    defaultConfiguration: {level: LEVEL[r.severity]},
    properties: {
      'security-severity': SECURITY_SEVERITY[r.severity],
      tags: ['security', ...controlTags],
      severity: r.severity,
    },
  }
}

/** A location relative to the audited root, so the same finding has the same URI in every image. */
function locationOf(row: Row, host: string): Json {
  const path = row.result.location
  if (path?.startsWith('/')) {
    return {
      physicalLocation: {artifactLocation: {uri: encodeURI(path.slice(1)), uriBaseId: 'ROOTFS'}},
      logicalLocations: [{name: host, kind: 'module'}],
    }
  }
  return {logicalLocations: [{name: host, kind: 'module'}]}
}

function fingerprint(host: string, row: Row): string {
  return createHash('sha256')
    .update(`${host}\u0000${row.key}\u0000${row.result.location ?? ''}`)
    .digest('hex')
    .slice(0, 32)
}

function resultOf(row: Row, ruleIndex: number, host: string): Json {
  const r = row.result
  const level = LEVEL[r.severity]
  const message = [`${r.title}: ${r.evidence.join('; ') || r.status}`, `Fix: ${r.remediation.split('\n')[0]}`].join(' ')
  return {
    ruleId: row.key,
    ruleIndex,
    kind: 'fail',
    level,
    message: {text: message},
    locations: [locationOf(row, host)],
    partialFingerprints: {'llmsecFinding/v1': fingerprint(host, row)},
    ...(r.waived
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${r.waived.reason} (approved by ${r.waived.by ?? 'unknown'}, expires ${r.waived.expires ?? 'never'})`,
            },
          ],
        }
      : {}),
    properties: {status: row.status, severity: r.severity, evidence: r.evidence, host},
  }
}

function runOf(report: AuditReport, host: string): Json {
  const rows = rowsOf(report, host)
  const findings = rows.filter((r) => r.status === 'fail' || r.status === 'waived')
  const rules = [...new Map(rows.map((r) => [r.key, r])).values()].sort((a, b) => a.key.localeCompare(b.key))
  const index = new Map(rules.map((r, i) => [r.key, i]))
  const notices = (report.waivers?.outcomes ?? [])
    .filter((o) => o.state !== 'active')
    .map((o) => ({
      level: o.state === 'expired' ? 'error' : 'warning',
      message: {text: describeWaiver(o, report.waivers?.file ?? 'waivers')},
      descriptor: {id: `waiver-${o.state}`},
    }))
  const errors = rows
    .filter((r) => r.status === 'error')
    .map((r) => ({level: 'error', message: {text: `${r.key}: ${r.result.reason ?? r.result.evidence[0] ?? 'error'}`}}))
  return {
    tool: {
      driver: {
        name: 'llmsec',
        version: report.llmsecVersion ?? '0.0.0',
        informationUri: INFORMATION_URI,
        rules: rules.map(ruleDescriptor),
      },
    },
    automationDetails: {id: `llmsec-audit/${host}/`},
    originalUriBaseIds: {
      ROOTFS: {uri: report.root ? `file://${encodeURI(report.root.replace(/\/?$/, '/'))}` : 'file:///'},
    },
    invocations: [
      {
        executionSuccessful: errors.length === 0,
        ...(report.startedAt ? {startTimeUtc: report.startedAt} : {}),
        toolExecutionNotifications: errors,
        toolConfigurationNotifications: notices,
      },
    ],
    results: findings.map((row) => resultOf(row, index.get(row.key) ?? 0, host)),
    properties: {
      score: report.score,
      ...(report.headline ? {headline: report.headline} : {}),
      host,
      os: report.os ?? report.inventory?.os ?? null,
      rulesets: report.rulesets.map((r) => ({id: r.id, score: r.score})),
    },
  }
}

/** SARIF 2.1.0: one run per host, rules with security-severity, results for failures and waived failures. */
export function renderSarif(input: AuditReport | FleetReport): string {
  const runs =
    'kind' in input && input.kind === 'fleet'
      ? input.hosts.map((h) => runOf(h.report, h.host))
      : [runOf(input as AuditReport, (input as AuditReport).host ?? 'unknown')]
  return `${JSON.stringify({$schema: SARIF_SCHEMA, version: '2.1.0', runs}, null, 2)}\n`
}
