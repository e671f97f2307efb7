import {countDisplay, escapeXml as x, formatControls, rowsOf, waiverNotices, type Row} from './model.js'
import type {AuditReport, FleetReport} from './report.types.js'

interface Suite {
  name: string
  rows: Row[]
  properties: Record<string, string>
  notices: string[]
  timestamp?: string
  seconds: number
}

function seconds(ms: number | undefined): string {
  return ((ms ?? 0) / 1000).toFixed(3)
}

/**
 * The classname is the rule's (first) ruleset, the same on every runner, so CI systems keep each
 * test's history; the host is a suite property.
 */
function testcase(row: Row): string {
  const r = row.result
  const attrs = `name="${x(`${r.ruleId}: ${r.title}`)}" classname="${x(`llmsec.${row.rulesets[0] ?? 'audit'}`)}" time="${seconds(r.durationMs)}"`
  const details = [
    ...r.evidence.map((e) => `saw: ${e}`),
    `severity: ${r.severity}`,
    row.rulesets.length > 0 && `rulesets: ${row.rulesets.join(', ')}`,
    formatControls(r) && `controls: ${formatControls(r)}`,
    `fix: ${r.remediation}`,
  ].filter(Boolean)
  const body = x(details.join('\n'))
  switch (row.status) {
    case 'fail':
      return `<testcase ${attrs}><failure message="${x(r.evidence[0] ?? r.title)}" type="${r.severity}">${body}</failure></testcase>`
    case 'error':
      return `<testcase ${attrs}><error message="${x(r.reason ?? r.evidence[0] ?? 'check could not run')}" type="check-error">${body}</error></testcase>`
    case 'not-applicable':
      return `<testcase ${attrs}><skipped message="${x(r.reason ?? r.evidence[0] ?? 'not applicable')}"/></testcase>`
    case 'waived': {
      const w = r.waived!
      const message = `waived until ${w.expires ?? '?'} by ${w.by ?? '?'}: ${w.reason}`
      return `<testcase ${attrs}><skipped message="${x(message)}"/><system-out>${body}</system-out></testcase>`
    }
    default:
      return `<testcase ${attrs}/>`
  }
}

function suiteXml(suite: Suite): string {
  const c = countDisplay(suite.rows)
  const props = Object.entries(suite.properties)
    .map(([name, value]) => `<property name="${x(name)}" value="${x(value)}"/>`)
    .join('')
  const out = suite.notices.length ? `<system-out>${x(suite.notices.join('\n'))}</system-out>` : ''
  return [
    `<testsuite name="${x(suite.name)}" tests="${suite.rows.length}" failures="${c.fail}" errors="${c.error}" skipped="${c['not-applicable'] + c.waived}" time="${suite.seconds.toFixed(3)}"${suite.timestamp ? ` timestamp="${x(suite.timestamp)}"` : ''}>`,
    `<properties>${props}</properties>`,
    ...suite.rows.map(testcase),
    out,
    '</testsuite>',
  ]
    .filter(Boolean)
    .join('\n')
}

/** One suite per host: each distinct rule is one testcase, whichever rulesets contain it. */
function suitesOf(report: AuditReport, host: string): Suite[] {
  return [
    {
      name: host,
      rows: rowsOf(report, host),
      properties: {
        host,
        os: report.os ?? report.inventory?.os ?? '',
        score: String(report.score),
        ...Object.fromEntries(report.rulesets.map((rs) => [`score.${rs.id}`, String(rs.score)])),
        llmsecVersion: report.llmsecVersion ?? '',
      },
      notices: waiverNotices(report).map((n) => n.text),
      timestamp: report.startedAt,
      seconds: (report.durationMs ?? 0) / 1000,
    },
  ]
}

/** JUnit XML: a test suite per host and a testcase per distinct rule. */
export function renderJunit(input: AuditReport | FleetReport): string {
  const suites =
    'kind' in input && input.kind === 'fleet'
      ? input.hosts.flatMap((h) => suitesOf(h.report, h.host))
      : suitesOf(input as AuditReport, (input as AuditReport).host ?? 'unknown')
  const all = suites.flatMap((s) => s.rows)
  const c = countDisplay(all)
  const time = suites.reduce((n, s) => n + s.seconds, 0).toFixed(3)
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="llmsec audit" tests="${all.length}" failures="${c.fail}" errors="${c.error}" skipped="${c['not-applicable'] + c.waived}" time="${time}">`,
    ...suites.map(suiteXml),
    '</testsuites>',
    '',
  ].join('\n')
}
