import type {Severity} from '../core/severity.js'

/** One failure (`fail` or `error`) as a comparison names it: a distinct rule and the thing it is about. */
export interface FailureRef {
  ruleId: string
  /** The rule's location (file or unit), null when the rule has none: with ruleId, the failure's identity. */
  subject: string | null
  severity: Severity
  status: 'fail' | 'error'
  title: string
}

/** What changed between a saved audit (`--compare previous.json`) and this one. */
export interface AuditComparison {
  previous: {file: string; host: string | null; startedAt: string | null; score: number}
  /** This score minus the previous one (one decimal). */
  scoreChange: number
  /** Failures now that were not failures then (a rule the previous run did not evaluate counts). */
  introduced: FailureRef[]
  /** Failures then whose rule now passes or does not apply, or now fails about another subject. */
  resolved: FailureRef[]
  /** Failures then that an active waiver now excepts: not fixed. */
  waived: FailureRef[]
  /** Failures then whose rule this run did not evaluate (another --ruleset or --rule): not fixed. */
  notEvaluated: FailureRef[]
  /** How many failures are in both runs. */
  persisting: number
  /** Failures in both runs whose evidence gained lines (a new vulnerable package, another file). */
  newEvidence: {ruleId: string; subject: string | null; lines: string[]}[]
  /** Model files found now and not then, and the reverse; null when a run recorded no model list. */
  models: {added: string[]; removed: string[]} | null
}
