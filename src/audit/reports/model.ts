import {RULE_STATUSES, type RuleResult, type RuleStatus, type Severity} from '../audit.types.js'
import {mostSevereFirst, SEVERITIES} from '../../core/severity.js'
import type {Headline} from '../audit.types.js'
import type {WaiverOutcome} from '../waivers.types.js'
import type {AuditReport} from './report.types.js'

/** `applicable/total rules applicable · failed: n critical, …`: what follows the score in every report's first line. */
export function formatHeadline(h: Headline): string {
  const failures = SEVERITIES.filter((s) => h.failures[s] > 0).map((s) => `${h.failures[s]} ${s}`)
  const errors = h.errors ? ` (${h.errors} could not be evaluated)` : ''
  const failed = failures.length ? `failed: ${failures.join(', ')}${errors}` : 'no failures'
  return `${h.applicable}/${h.total} rules applicable · ${failed}`
}

/** A rule status as reports show it (the order reports list them in). */
export type DisplayStatus = RuleStatus
export const DISPLAY_STATUSES: DisplayStatus[] = ['fail', 'error', 'waived', 'pass', 'not-applicable']

/** One distinct rule's result with the host it belongs to (fleet reports have several). */
export interface Row {
  host: string
  /** The rule id: unique in one audit (a rule shared by rulesets is one row). */
  key: string
  /** The rulesets that contain the rule. */
  rulesets: string[]
  status: DisplayStatus
  result: RuleResult
}

/** Every distinct rule of a report, once, most severe failures first. */
export function rowsOf(report: AuditReport, host = report.host ?? 'unknown'): Row[] {
  const rows = report.rules.map((result) => ({
    host,
    key: result.ruleId,
    rulesets: result.rulesets ?? [],
    status: result.status,
    result,
  }))
  return rows.sort(compareRows)
}

function compareRows(a: Row, b: Row): number {
  return (
    DISPLAY_STATUSES.indexOf(a.status) - DISPLAY_STATUSES.indexOf(b.status) ||
    mostSevereFirst(a.result.severity, b.result.severity) ||
    a.host.localeCompare(b.host) ||
    a.key.localeCompare(b.key)
  )
}

export type DisplayCounts = Record<DisplayStatus, number>

export function countDisplay(rows: Row[]): DisplayCounts {
  const counts = Object.fromEntries(RULE_STATUSES.map((s) => [s, 0])) as DisplayCounts
  for (const row of rows) counts[row.status]++
  return counts
}

/** Counts by severity and display status (the "results by severity" chart). */
export function countBySeverity(rows: Row[]): {severity: Severity; counts: DisplayCounts}[] {
  return SEVERITIES.map((severity) => ({
    severity,
    counts: countDisplay(rows.filter((r) => r.result.severity === severity)),
  }))
}

/** Waivers that need someone's attention: expired, or matching nothing. */
export function waiverNotices(report: AuditReport): {outcome: WaiverOutcome; text: string}[] {
  return (report.waivers?.outcomes ?? [])
    .filter((o) => o.state !== 'active')
    .map((outcome) => ({outcome, text: describeWaiver(outcome, report.waivers?.file ?? 'waivers')}))
}

export function describeWaiver(o: WaiverOutcome, file: string): string {
  const where = `${file}${o.line ? `:${o.line}` : ''}`
  switch (o.state) {
    case 'expired':
      return `waiver for ${o.rule} expired on ${o.expires}; ${o.matched.join(', ')} counts as a failure again (${where})`
    case 'unmatched':
      return `waiver for ${o.rule} matches nothing${o.host ? ` on host ${o.host}` : ''}${o.path ? ` at path ${o.path}` : ''} (${where})`
    case 'unneeded':
      return `waiver for ${o.rule} is not needed: ${o.matched.join(', ')} did not fail (${where})`
    default:
      return `waiver for ${o.rule} is active until ${o.expires} (${where})`
  }
}

const XML_ENTITIES: Record<string, string> = {'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;'}

/** Escapes text for XML and HTML (text and attribute values); drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(/[<>&"']/g, (c) => XML_ENTITIES[c])
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
}

/** Controls of a rule as `framework id, id · framework id`. */
export function formatControls(result: RuleResult): string {
  return Object.entries(result.controls)
    .map(([framework, ids]) => `${framework} ${ids.join(', ')}`)
    .join(' · ')
}

export function formatDuration(ms: number | undefined): string {
  return ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`
}
