import {minOf} from '../core/arrays.js'
import {SEVERITIES} from '../core/severity.js'
import type {
  AuditResult,
  ControlFamilyScore,
  ControlMap,
  Headline,
  RuleStatus,
  Severity,
  StatusCounts,
} from './audit.types.js'

/** How much each severity counts in the score (info rules are shown but do not count). */
export const SEVERITY_WEIGHTS: Record<Severity, number> = {critical: 10, high: 6, medium: 3, low: 1, info: 0}

/** What a status earns out of the rule's weight; statuses absent here (not-applicable, waived) are left out of the score. */
const CREDIT: Partial<Record<RuleStatus, number>> = {pass: 1, fail: 0, error: 0}

/** The score a failing (or unevaluated) critical rule caps its ruleset at, unless the ruleset says otherwise. */
export const DEFAULT_CRITICAL_CAP = 40

/** What scoring needs of a result: a distinct rule (RuleResult) and a ruleset's view of it (RulesetRule) both have it. */
interface Scored {
  status: RuleStatus
  severity: Severity
  weight?: number
  controls: ControlMap
}

/** Rounds to one decimal. */
function round1(value: number): number {
  return Math.round(value * 10) / 10
}

/** A failure for the score and the exit code: `fail`, or `error` (a rule that could not be evaluated is not a pass). */
export function isFailure(result: {status: RuleStatus}): boolean {
  return result.status === 'fail' || result.status === 'error'
}

/**
 * Severity-weighted pass ratio, 0–100: pass earns its weight; fail and error earn nothing;
 * not-applicable and waived results are left out. 100 when no rule applied. A failing (or
 * erroring) critical rule caps the score at `criticalCap`.
 */
export function scoreResults(results: Scored[], criticalCap = DEFAULT_CRITICAL_CAP): number {
  let total = 0
  let earned = 0
  for (const result of results) {
    const credit = CREDIT[result.status]
    if (credit === undefined) continue
    const weight = result.weight ?? SEVERITY_WEIGHTS[result.severity]
    total += weight
    earned += weight * credit
  }
  const score = total === 0 ? 100 : round1((100 * earned) / total)
  const critical = results.some((r) => r.severity === 'critical' && isFailure(r))
  return critical ? Math.min(score, criticalCap) : score
}

const COUNT_KEYS: Record<RuleStatus, keyof StatusCounts> = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  'not-applicable': 'notApplicable',
  waived: 'waived',
}

export function countStatuses(results: {status: RuleStatus}[]): StatusCounts {
  const counts: StatusCounts = {pass: 0, fail: 0, error: 0, notApplicable: 0, waived: 0}
  for (const result of results) counts[COUNT_KEYS[result.status]]++
  return counts
}

/** The headline numbers: score, rules that applied of all rules, failures (fail + error) per severity. */
function headlineOf(results: Scored[], score: number): Headline {
  const failures = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>
  for (const r of results) if (isFailure(r)) failures[r.severity]++
  return {
    score,
    applicable: results.filter((r) => r.status !== 'not-applicable').length,
    total: results.length,
    failures,
    errors: results.filter((r) => r.status === 'error').length,
  }
}

/** The family a control id belongs to (NIST `AU`, PCI `10`, HIPAA `164.312(b)`, GDPR `Art. 32`, ISO `A.8`). */
export function controlFamily(framework: string, id: string): string {
  switch (framework) {
    case 'nist-800-53':
      return id.split('-')[0]
    case 'pci-dss':
      return id.split('.')[0]
    case 'hipaa':
      return /^\d+\.\d+(\([a-z]\))?/.exec(id)?.[0] ?? id
    case 'gdpr':
    case 'eu-ai-act':
      return /^Art\. \d+/.exec(id)?.[0] ?? id
    case 'iso-27001':
      return /^A\.\d+/.exec(id)?.[0] ?? id
    case 'sox':
      return /^[A-Z]{3}\d+$/.test(id) ? id.slice(0, 3) : id
    case 'nist-ai-rmf':
      return id.split(' ')[0]
    default:
      return id
  }
}

/** Families known per framework and control id, bounded (a hostile file may carry any number of ids). */
const FAMILIES = new Map<string, Map<string, string>>()
const MAX_KNOWN_FAMILIES = 10_000

/** The distinct families of one framework's control ids, in order (memoised: every host of a fleet repeats them). */
export function controlFamiliesOf(framework: string, ids: readonly string[]): string[] {
  let known = FAMILIES.get(framework)
  if (!known && FAMILIES.size < MAX_KNOWN_FAMILIES) FAMILIES.set(framework, (known = new Map()))
  const familyOf = (id: string) => {
    let family = known?.get(id)
    if (family === undefined) {
      family = controlFamily(framework, id)
      if (known && known.size < MAX_KNOWN_FAMILIES) known.set(id, family)
    }
    return family
  }
  // A rule maps to a few controls; a long list is made distinct by a set, to stay linear.
  if (ids.length > 8) return [...new Set(ids.map(familyOf))]
  const out: string[] = []
  for (const id of ids) {
    const family = familyOf(id)
    if (!out.includes(family)) out.push(family)
  }
  return out
}

/** Family ids in numeric order (PCI 2 before 10); one collator, as localeCompare with options builds one per call. */
const FAMILY_ORDER = new Intl.Collator('en', {numeric: true})
/** Frameworks as localeCompare orders them (the default locale), with one collator. */
const FRAMEWORK_ORDER = new Intl.Collator()

/** Scores per control family: each rule counts once per family it maps to. */
export function scoreControlFamilies(results: Scored[]): ControlFamilyScore[] {
  // Framework, then family: nested maps, no key strings made per rule.
  const groups = new Map<string, Map<string, {framework: string; family: string; results: Scored[]}>>()
  for (const result of results) {
    for (const framework in result.controls) {
      let families = groups.get(framework)
      if (!families) groups.set(framework, (families = new Map()))
      for (const family of controlFamiliesOf(framework, result.controls[framework])) {
        const group = families.get(family)
        if (group) group.results.push(result)
        else families.set(family, {framework, family, results: [result]})
      }
    }
  }
  return [...groups.values()]
    .flatMap((families) => [...families.values()])
    .map(({framework, family, results: rs}) => {
      const counts = countStatuses(rs)
      const applicable = counts.pass + counts.fail + counts.error > 0
      return {framework, family, score: applicable ? scoreResults(rs) : null, ...counts}
    })
    .sort((a, b) => FRAMEWORK_ORDER.compare(a.framework, b.framework) || FAMILY_ORDER.compare(a.family, b.family))
}

/**
 * Scores an audit (again, after waivers): each ruleset view over its own rules with its own cap;
 * the overall score over the distinct rules, each counted once, with the strictest cap.
 */
export function scoreAudit(audit: AuditResult): void {
  for (const view of audit.rulesets) {
    view.score = scoreResults(view.rules, view.criticalCap)
    view.summary = countStatuses(view.rules)
    view.controlFamilies = scoreControlFamilies(view.rules)
    view.headline = headlineOf(view.rules, view.score)
  }
  const caps = audit.rulesets.map((r) => r.criticalCap ?? DEFAULT_CRITICAL_CAP)
  audit.score = scoreResults(audit.rules, caps.length ? minOf(caps, Infinity) : DEFAULT_CRITICAL_CAP)
  audit.summary = countStatuses(audit.rules)
  audit.headline = headlineOf(audit.rules, audit.score)
}

/** The mean of some scores (a fleet's hosts), rounded to one decimal; 100 for none. */
export function meanScore(scores: number[]): number {
  return scores.length ? round1(scores.reduce((a, b) => a + b, 0) / scores.length) : 100
}
