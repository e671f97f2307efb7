import {compareSeverity, SEVERITIES} from '../../core/severity.js'
import {
  RULE_STATUSES,
  type ControlMap,
  type RuleResult,
  type RuleStatus,
  type RulesetResult,
  type RulesetRule,
  type Severity,
} from '../audit.types.js'
import {sanitizeLine} from '../evidence.js'
import {scoreAudit} from '../score.js'
import type {AuditReport} from './report.types.js'

/** Why a saved result is refused (the caller adds the file name and the advice). */
export class ResultShapeError extends Error {}

const refuse = (what: string): never => {
  throw new ResultShapeError(what)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A control map (framework → control ids), or a refusal naming where it was. */
export function readControls(value: unknown, where: string): ControlMap {
  if (!isRecord(value)) return refuse(`${where}.controls is not an object`)
  for (const [framework, ids] of Object.entries(value))
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
      refuse(`${where}.controls.${framework} is not a list of control ids`)
  return value as ControlMap
}

export function isSeverity(value: unknown): value is Severity {
  return (SEVERITIES as readonly unknown[]).includes(value)
}

function isStatus(value: unknown): value is RuleStatus {
  return (RULE_STATUSES as readonly unknown[]).includes(value)
}

/** One view rule: only the five documented fields are kept (anything else a file carries is dropped). */
function readViewRule(value: unknown, where: string): RulesetRule {
  if (!isRecord(value)) return refuse(`${where} is not an object`)
  const {ruleId, status, severity, weight} = value
  if (typeof ruleId !== 'string') refuse(`${where} has no ruleId`)
  if (!isStatus(status)) refuse(`${where}.status is not one of ${RULE_STATUSES.join(', ')}`)
  if (!isSeverity(severity)) refuse(`${where}.severity is not one of ${SEVERITIES.join(', ')}`)
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) refuse(`${where}.weight is not a number`)
  return {
    ruleId: ruleId as string,
    status: status as RuleStatus,
    severity: severity as Severity,
    weight: weight as number,
    controls: readControls(value.controls, where),
  }
}

const optionalLine = (value: unknown): string | undefined =>
  typeof value === 'string' ? sanitizeLine(value) : undefined

/** One ruleset view: its documented identity fields and rules; scores and counts are recomputed. */
function readView(value: unknown, i: number): RulesetResult {
  if (!isRecord(value) || typeof value.id !== 'string' || !Array.isArray(value.rules))
    return refuse(`rulesets[${i}] has no id or rules`)
  const cap = value.criticalCap
  if (cap !== undefined && (typeof cap !== 'number' || !(cap >= 0 && cap <= 100)))
    refuse(`rulesets[${i}].criticalCap is not a number from 0 to 100`)
  const view: RulesetResult = {
    id: sanitizeLine(value.id),
    title: optionalLine(value.title),
    version: optionalLine(value.version),
    file: optionalLine(value.file),
    score: 0,
    ...(cap === undefined ? {} : {criticalCap: cap as number}),
    rules: value.rules.map((rule, j) => readViewRule(rule, `rulesets[${i}].rules[${j}]`)),
  }
  for (const key of ['title', 'version', 'file'] as const) if (view[key] === undefined) delete view[key]
  return view
}

/** `fail` and `waived` are one outcome before waivers (a waiver turns a failure into `waived`). */
const PRE_WAIVER: Record<RuleStatus, number> = {fail: 0, waived: 0, error: 1, pass: 2, 'not-applicable': 3}

/** What the views of one rule say of it together: the worst status (waived as fail), the most severe rating, the largest weight. */
function combined(copies: {rule: RulesetRule}[]) {
  let worst = Infinity
  let failed = false
  let waived = false
  let severity: Severity = copies[0].rule.severity
  let weight = -Infinity
  for (const {rule} of copies) {
    worst = Math.min(worst, PRE_WAIVER[rule.status])
    failed ||= rule.status === 'fail'
    waived ||= rule.status === 'waived'
    if (compareSeverity(rule.severity, severity) > 0) severity = rule.severity
    weight = Math.max(weight, rule.weight)
  }
  return {worst, failed, waived, severity, weight}
}

/** Whether the views of a rule are exactly the rulesets its result lists (in any order, repeats aside). */
function sameRulesets(copies: {view: RulesetResult}[], listed: string[]): boolean {
  if (copies.length === 1 && listed.length === 1) return copies[0].view.id === listed[0]
  const views = new Set(copies.map((c) => c.view.id))
  const named = new Set(listed)
  return views.size === named.size && [...views].every((id) => named.has(id))
}

function checkControls(result: RuleResult, copies: {rule: RulesetRule}[]): void {
  for (const {rule} of copies)
    for (const [framework, ids] of Object.entries(rule.controls))
      for (const id of ids)
        if (!result.controls[framework]?.includes(id))
          refuse(`a ruleset view maps rule ${result.ruleId} to ${framework} ${id}, which its result does not`)
}

/**
 * Refuses views that say something of a rule its result does not. The result is the worst of its
 * views (a waived result is waived in every view that failed it, an unwaived one in none), rated as
 * the most severe and weighed as the heaviest of them, listing exactly their rulesets, with every
 * control any of them maps it to.
 */
function checkAgainstResults(rules: RuleResult[], views: RulesetResult[]): void {
  const seen = new Map<string, {view: RulesetResult; rule: RulesetRule}[]>(rules.map((r) => [r.ruleId, []]))
  for (const view of views)
    for (const rule of view.rules) {
      const copies = seen.get(rule.ruleId)
      if (!copies) return refuse(`ruleset view ${view.id} names rule ${rule.ruleId}, which is not in "rules"`)
      copies.push({view, rule})
    }
  for (const result of rules) {
    const copies = seen.get(result.ruleId) ?? []
    if (!copies.length) refuse(`rule ${result.ruleId} is in no ruleset view`)
    const c = combined(copies)
    const names = () => copies.map((x) => x.view.id).join(', ')
    const waived = result.status === 'waived'
    if (c.worst !== PRE_WAIVER[result.status] || (waived ? c.failed : c.waived))
      refuse(`the ruleset views give rule ${result.ruleId} another status than "${result.status}" (${names()})`)
    if (c.severity !== result.severity)
      refuse(`the ruleset views rate rule ${result.ruleId} otherwise than "${result.severity}"`)
    if (result.weight !== undefined && c.weight !== result.weight)
      refuse(`the ruleset views weigh rule ${result.ruleId} otherwise than its result (${result.weight})`)
    if (result.rulesets && !sameRulesets(copies, result.rulesets))
      refuse(`rule ${result.ruleId} lists rulesets ${result.rulesets.join(', ')} but is in the views of ${names()}`)
    checkControls(result, copies)
  }
}

/**
 * Replaces a saved result's ruleset views by their documented fields only, checks that they agree
 * with the (already sanitized) results, and computes every score and count again from them. A
 * claimed score that the rules do not give is refused rather than corrected.
 */
export function readResultViews(report: AuditReport, rawViews: unknown[]): void {
  const views = rawViews.map(readView)
  checkAgainstResults(report.rules, views)
  const claimed = {score: report.score, views: rawViews.map((v) => (v as {score?: unknown}).score)}
  report.rulesets = views
  scoreAudit(report)
  for (const [i, view] of views.entries())
    if (claimed.views[i] !== view.score)
      refuse(`rulesets[${i}] (${view.id}) claims score ${String(claimed.views[i])}, its rules give ${view.score}`)
  if (claimed.score !== report.score) refuse(`it claims score ${claimed.score}, its rules give ${report.score}`)
}
