import {
  automationDetails,
  INFORMATION_URI,
  physicalLocation,
  rootBase,
  SARIF_LEVEL as LEVEL,
  SARIF_SCHEMA,
  SECURITY_SEVERITY as SCORE,
} from '../core/sarif.js'
import type {VulnFinding, VulnReport} from './vulns.types.js'

/** The SARIF rule of a finding: its primary advisory id, or `security-update` for a pending update. */
function ruleId(finding: VulnFinding): string {
  return finding.ids[0] ?? 'security-update'
}

function rule(finding: VulnFinding): Record<string, unknown> {
  const id = ruleId(finding)
  const text = finding.kind === 'security-update' ? 'A security update is pending' : finding.summary
  return {
    id,
    shortDescription: {text: text.slice(0, 200)},
    fullDescription: {text},
    ...(finding.references[0] ? {helpUri: finding.references[0]} : {}),
    help: {
      text: `Upgrade ${finding.package} to ${finding.fixedIn ?? 'a fixed version'}. ${finding.references.join(' ')}`.trim(),
    },
    properties: {'security-severity': SCORE[finding.severity], tags: ['security', 'vulnerability', finding.ecosystem]},
  }
}

function result(finding: VulnFinding): Record<string, unknown> {
  const used = finding.services.map((s) => s.name).join(', ')
  const text =
    `${finding.package} ${finding.installed} (${finding.environment ?? finding.location}): ${finding.ids.join(' ') || 'security update'}, ` +
    `fixed in ${finding.fixedIn ?? 'no published version'}${used ? `; used by ${used}` : ''}`
  return {
    ruleId: ruleId(finding),
    level: LEVEL[finding.severity],
    message: {text},
    locations: [{physicalLocation: physicalLocation(finding.location.replace(/ \(.*\)$/, ''), ruleId(finding))}],
    partialFingerprints: {
      package: `${finding.ecosystem}/${finding.package}@${finding.installed}:${finding.environment ?? finding.location}`,
    },
    properties: {
      package: finding.package,
      installed: finding.installed,
      fixedIn: finding.fixedIn,
      ids: finding.ids,
      services: finding.services,
    },
    ...(finding.ignored ? {suppressions: [{kind: 'external', justification: finding.ignored.reason}]} : {}),
  }
}

/** SARIF 2.1.0 for `llmsec vulns --format sarif`: one result per vulnerable package, ignored ones suppressed. */
export function renderVulnSarif(report: VulnReport, version: string, category?: string): string {
  const rules = new Map(report.findings.map((f) => [ruleId(f), rule(f)]))
  const notes = report.notes.map((n) => ({level: 'warning', message: {text: n.message}, descriptor: {id: n.code}}))
  const run = {
    tool: {
      driver: {name: 'llmsec', version, informationUri: INFORMATION_URI, rules: [...rules.values()]},
    },
    ...automationDetails(category),
    originalUriBaseIds: {ROOTFS: rootBase(report.image ? null : report.root, report.image)},
    ...(report.image ? {properties: {image: report.image}} : {}),
    invocations: [{executionSuccessful: true, toolExecutionNotifications: notes}],
    results: report.findings.map(result),
  }
  return `${JSON.stringify({$schema: SARIF_SCHEMA, version: '2.1.0', runs: [run]}, null, 2)}\n`
}
