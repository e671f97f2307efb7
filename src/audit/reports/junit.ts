import {countDisplay, escapeXml as x, formatControls, rowsOf, waiverNotices, type Row} from './model.js'
import type {AuditReport, RejectedResult} from './report.types.js'
import type {FleetReport} from './fleet.types.js'

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

/** A refused result file as an errored testcase of a suite of its own, so CI does not pass over it. */
function rejectedSuite(rejected: RejectedResult[]): string {
  const cases = rejected.map(
    (r) =>
      `<testcase name="${x(r.file)}" classname="llmsec.report" time="0.000"><error message="${x(r.reason)}" type="result-rejected"/></testcase>`,
  )
  return [
    `<testsuite name="rejected result files" tests="${rejected.length}" failures="0" errors="${rejected.length}" skipped="0" time="0.000">`,
    ...cases,
    '</testsuite>',
  ].join('\n')
}

/** JUnit XML: a test suite per host and a testcase per distinct rule, written a host at a time. */
export function* junitChunks(input: AuditReport | FleetReport): Generator<string> {
  const fleet = 'kind' in input && input.kind === 'fleet' ? input : null
  const single = input as AuditReport
  yield junitHead(input)
  if (fleet) for (const h of fleet.hosts) yield junitHostSuites(h.report, h.host)
  else yield junitHostSuites(single, single.host ?? 'unknown')
  yield junitTail(fleet?.rejected ?? [])
}

/** The document's start, with the totals: from the hosts' summaries, so each host's result is read once after. */
export function junitHead(input: AuditReport | FleetReport): string {
  const fleet = 'kind' in input && input.kind === 'fleet' ? input : null
  const single = input as AuditReport
  const summaries = fleet
    ? fleet.hosts.map((h) => h.summary)
    : [{counts: countDisplay(rowsOf(single)), rules: single.rules.length, durationMs: single.durationMs ?? 0}]
  const rejected = fleet?.rejected ?? []
  const c = countDisplay([])
  let tests = 0
  let ms = 0
  for (const summary of summaries) {
    for (const status of Object.keys(c) as (keyof typeof c)[]) c[status] += summary.counts[status]
    tests += summary.rules
    ms += summary.durationMs
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="llmsec audit" tests="${tests + rejected.length}" failures="${c.fail}" errors="${c.error + rejected.length}" skipped="${c['not-applicable'] + c.waived}" time="${(ms / 1000).toFixed(3)}">`,
    '',
  ].join('\n')
}

/** One host's suites. */
export function junitHostSuites(report: AuditReport, host: string): string {
  return suitesOf(report, host)
    .map((suite) => `${suiteXml(suite)}\n`)
    .join('')
}

/** The document's end: refused result files, if any, as a suite of errors. */
export function junitTail(rejected: RejectedResult[]): string {
  return `${rejected.length ? `${rejectedSuite(rejected)}\n` : ''}</testsuites>\n`
}

export function renderJunit(input: AuditReport | FleetReport): string {
  return [...junitChunks(input)].join('')
}
