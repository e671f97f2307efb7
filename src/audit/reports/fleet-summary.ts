import type {ExitCode} from '../../core/errors.js'
import {SEVERITIES} from '../../core/severity.js'
import type {RuleResult, Severity} from '../audit.types.js'
import {exitCodeFor} from '../policy.js'
import {controlFamiliesOf, DEFAULT_CRITICAL_CAP, SEVERITY_WEIGHTS} from '../score.js'
import {countDisplay, rowsOf, waiverNotices, type DisplayCounts, type Row} from './model.js'
import type {AuditReport} from './report.types.js'
import type {WaiverOutcome} from '../waivers.types.js'

/** What fleet views show of one host without reading its whole result again. */
export interface HostSummary {
  score: number
  counts: DisplayCounts
  /** The exit `llmsec audit` gave the result under the policy it recorded. */
  exit: ExitCode
  os: string | null
  startedAt?: string
  durationMs: number
  rulesets: string[]
  rules: number
  /** Waiver notices (expired, unmatched, unneeded). */
  notices: {state: WaiverOutcome['state']; text: string}[]
  /** Failed rules, most severe first: severity, rule id, first evidence line. */
  failures: {severity: Severity; key: string; evidence: string}[]
}

/** One control family's running totals, as scoreResults would count its applicable rules. */
export interface FamilyTotals {
  total: number
  earned: number
  critical: boolean
  failed: number
  rows: number
  applicable: number
}

/** A rule's failures across the fleet (the "top failures" table). */
export interface RuleTally {
  ruleId: string
  title: string
  severity: Severity
  /** Hosts on which the rule failed (or could not be evaluated: `errors`). */
  failed: number
  errors: number
  /** The first failing host and its first evidence line. */
  example: {host: string; evidence: string}
}

/** A tally's totals as plain data (Maps survive postMessage): what a reading thread sends of one host. */
export interface TallyTotals {
  severity: Map<Severity, DisplayCounts>
  families: Map<string, FamilyTotals>
  rules: Map<string, RuleTally>
}

/**
 * Totals over many rows, added one host at a time: counts by severity and status, control family
 * scores (waived rows left out, as in the score) and failures per rule.
 */
export class FleetTally implements TallyTotals {
  readonly severity = new Map<Severity, DisplayCounts>(SEVERITIES.map((s) => [s, countDisplay([])]))
  readonly families = new Map<string, FamilyTotals>()
  readonly rules = new Map<string, RuleTally>()

  /**
   * Adds another tally's totals (one host's) as if its rows were added here. A rule first seen
   * here takes that tally's title, severity and evidence, with `host` as its example.
   */
  merge(part: TallyTotals, host: string): void {
    for (const [severity, counts] of part.severity) {
      const mine = this.severity.get(severity)!
      for (const status of Object.keys(counts) as (keyof DisplayCounts)[]) mine[status] += counts[status]
    }
    for (const [key, t] of part.families) {
      const mine = this.families.get(key)
      if (!mine) {
        this.families.set(key, {...t})
        continue
      }
      mine.total += t.total
      mine.earned += t.earned
      mine.critical ||= t.critical
      mine.failed += t.failed
      mine.rows += t.rows
      mine.applicable += t.applicable
    }
    for (const [key, r] of part.rules) {
      const mine = this.rules.get(key)
      if (!mine) this.rules.set(key, {...r, example: {host, evidence: r.example.evidence}})
      else {
        mine.failed += r.failed
        mine.errors += r.errors
      }
    }
  }

  add(rows: Row[]): void {
    for (const row of rows) {
      this.severity.get(row.result.severity)![row.status]++
      if (row.status === 'fail' || row.status === 'error') this.addFailure(row)
      if (row.status !== 'waived') this.addFamilies(row)
    }
  }

  private addFailure(row: Row): void {
    const r = row.result
    const tally = this.rules.get(row.key) ?? {
      ruleId: row.key,
      title: r.title,
      severity: r.severity,
      failed: 0,
      errors: 0,
      example: {host: row.host, evidence: r.evidence[0] ?? ''},
    }
    if (row.status === 'fail') tally.failed++
    else tally.errors++
    this.rules.set(row.key, tally)
  }

  private addFamilies(row: Row): void {
    for (const [framework, ids] of Object.entries(row.result.controls))
      for (const family of controlFamiliesOf(framework, ids)) {
        const key = `${framework} ${family}`
        const t = this.families.get(key) ?? {total: 0, earned: 0, critical: false, failed: 0, rows: 0, applicable: 0}
        t.rows++
        if (row.status === 'fail') t.failed++
        if (row.status === 'pass' || row.status === 'fail') addScored(t, row.result, row.status === 'pass')
        this.families.set(key, t)
      }
  }

  /** Bars of the control family chart: the score of each family's applicable rules, as scoreResults gives it. */
  familyBars(): {label: string; value: number | null; note: string}[] {
    return [...this.families.entries()]
      .sort(([a], [b]) => a.localeCompare(b, 'en', {numeric: true}))
      .map(([label, t]) => ({
        label,
        value: t.applicable ? familyScore(t) : null,
        note: `${t.failed} failed of ${t.rows}`,
      }))
  }

  /** Rules that failed on most hosts first (then by severity and id). */
  topFailures(): RuleTally[] {
    return [...this.rules.values()].sort(
      (a, b) =>
        b.failed + b.errors - (a.failed + a.errors) ||
        SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
        a.ruleId.localeCompare(b.ruleId),
    )
  }
}

function addScored(t: FamilyTotals, result: RuleResult, pass: boolean): void {
  const weight = result.weight ?? SEVERITY_WEIGHTS[result.severity]
  t.applicable++
  t.total += weight
  if (pass) t.earned += weight
  else if (result.severity === 'critical') t.critical = true
}

/** scoreResults over pass/fail rows, from the totals (same order of additions, same rounding and cap). */
function familyScore(t: FamilyTotals): number {
  const score = t.total === 0 ? 100 : Math.round(((100 * t.earned) / t.total) * 10) / 10
  return t.critical ? Math.min(score, DEFAULT_CRITICAL_CAP) : score
}

/** What a fleet keeps of one host besides its result: the name it gives, its summary and its own tally. */
export interface HostDigest {
  /** The host the result names (its file when it names none), before fleet names are made unique. */
  name: string
  summary: HostSummary
  tally: TallyTotals
}

/**
 * One host's (sanitized) result digested for a fleet. A fleet merges each host's own tally, in
 * file order, whichever thread read it, so a fleet's totals do not depend on how it was read.
 */
export function digestHost(report: AuditReport, file: string): HostDigest {
  const name = report.host ?? file
  const rows = rowsOf(report, name)
  const tally = new FleetTally()
  tally.add(rows)
  return {name, summary: summarizeHost(report, rows), tally}
}

function summarizeHost(report: AuditReport, rows: Row[]): HostSummary {
  return {
    score: report.score,
    counts: countDisplay(rows),
    exit: exitCodeFor(report, report),
    os: report.os ?? report.inventory?.os ?? null,
    startedAt: report.startedAt,
    durationMs: report.durationMs ?? 0,
    rulesets: report.rulesets.map((r) => r.id),
    rules: report.rules.length,
    notices: waiverNotices(report).map((n) => ({state: n.outcome.state, text: n.text})),
    failures: rows
      .filter((r) => r.status === 'fail')
      .map((r) => ({severity: r.result.severity, key: r.key, evidence: r.result.evidence[0] ?? ''})),
  }
}
