import {SEVERITIES} from '../core/severity.js'
import type {RuleResult} from './audit.types.js'
import type {AuditComparison, FailureRef} from './compare.types.js'
import type {AuditReport} from './reports/report.types.js'
import {isFailure} from './score.js'

function subjectOf(rule: RuleResult): string | null {
  return typeof rule.location === 'string' ? rule.location : null
}

/** The identity of a failure: rule id and subject (NUL cannot occur in either). */
function keyOf(rule: RuleResult): string {
  return `${rule.ruleId}\u0000${subjectOf(rule) ?? ''}`
}

function refOf(rule: RuleResult): FailureRef {
  // A saved report is input: its severity and status are shown only when they are valid.
  const severity = (SEVERITIES as readonly string[]).includes(rule.severity) ? rule.severity : 'info'
  return {
    ruleId: rule.ruleId,
    subject: subjectOf(rule),
    severity,
    status: rule.status === 'error' ? 'error' : 'fail',
    title: typeof rule.title === 'string' ? rule.title : rule.ruleId,
  }
}

function failuresByKey(report: AuditReport): Map<string, RuleResult> {
  const out = new Map<string, RuleResult>()
  for (const rule of report.rules) if (isFailure(rule)) out.set(keyOf(rule), rule)
  return out
}

function byRule(a: FailureRef, b: FailureRef): number {
  return a.ruleId.localeCompare(b.ruleId) || (a.subject ?? '').localeCompare(b.subject ?? '')
}

function addedLines(before: string[], after: string[]): string[] {
  const seen = new Set(before)
  return after.filter((line) => !seen.has(line))
}

function compareModels(previous: AuditReport, current: AuditReport): AuditComparison['models'] {
  const then = previous.inventory?.models
  const now = current.inventory?.models
  if (!Array.isArray(then) || !Array.isArray(now)) return null
  const thenPaths = new Set(then.map((m) => String(m.path)))
  const nowPaths = new Set(now.map((m) => m.path))
  return {
    added: [...nowPaths].filter((p) => !thenPaths.has(p)).sort(),
    removed: [...thenPaths].filter((p) => !nowPaths.has(p)).sort(),
  }
}

/**
 * Compares this audit with a saved one. Failures are matched by rule id and subject, so a rule
 * that now fails about another file is one fixed and one introduced failure. A previous failure
 * counts as resolved only when this run evaluated the rule and it passed or did not apply:
 * dropping a ruleset or waiving a rule never reads as a fix. Linear in the number of rules.
 */
export function compareAudits(previous: AuditReport, current: AuditReport, file: string): AuditComparison {
  const then = failuresByKey(previous)
  const now = failuresByKey(current)
  const status = new Map(current.rules.map((r) => [r.ruleId, r.status]))
  const comparison: AuditComparison = {
    previous: {
      file,
      host: typeof previous.host === 'string' ? previous.host : null,
      startedAt: typeof previous.startedAt === 'string' ? previous.startedAt : null,
      score: previous.score,
    },
    scoreChange: Math.round((current.score - previous.score) * 10) / 10,
    introduced: [],
    resolved: [],
    waived: [],
    notEvaluated: [],
    persisting: 0,
    newEvidence: [],
    models: compareModels(previous, current),
  }
  for (const [key, rule] of now) {
    const before = then.get(key)
    if (!before) {
      comparison.introduced.push(refOf(rule))
      continue
    }
    comparison.persisting++
    const lines = addedLines(before.evidence.map(String), rule.evidence)
    if (lines.length) comparison.newEvidence.push({ruleId: rule.ruleId, subject: subjectOf(rule), lines})
  }
  for (const [key, rule] of then) {
    if (now.has(key)) continue
    const state = status.get(rule.ruleId)
    const list =
      state === undefined ? comparison.notEvaluated : state === 'waived' ? comparison.waived : comparison.resolved
    list.push(refOf(rule))
  }
  for (const list of [comparison.introduced, comparison.resolved, comparison.waived, comparison.notEvaluated])
    list.sort(byRule)
  return comparison
}
