/**
 * The result types of `llmsec audit`. Reporters (SARIF, JUnit, HTML) and waivers consume
 * these, so this file is kept stable: add optional fields, never rename or remove.
 */

import type {Severity} from '../core/severity.js'

export type {Severity} from '../core/severity.js'

/**
 * Outcome of one rule. `not-applicable`: the thing the rule is about does not exist here (with the
 * reason; no credit); `error`: the check could not be evaluated (unreadable, timed out, tool failed;
 * counts as a failure of the rule's severity); `waived`: a failure excepted by an active waiver.
 */
export const RULE_STATUSES = ['pass', 'fail', 'error', 'not-applicable', 'waived'] as const
export type RuleStatus = (typeof RULE_STATUSES)[number]

/** What a check itself can return (waivers are applied afterwards). */
export type CheckStatus = Exclude<RuleStatus, 'waived'>

/** Framework → control ids, e.g. `{hipaa: ['164.312(b)'], 'nist-800-53': ['AU-2', 'AU-12']}`. */
export type ControlMap = Record<string, string[]>

/** The result of one rule of one ruleset. */
export interface RuleResult {
  ruleId: string
  title: string
  status: RuleStatus
  severity: Severity
  controls: ControlMap
  /** What was observed (one line each); for not-applicable/error the first line is the reason. */
  evidence: string[]
  /** How to fix it (text; commands only where safe to copy). */
  remediation: string
  /** The check that produced this result. */
  checkId?: string
  /** Not-applicable or error reason, also the first evidence line. */
  reason?: string
  /** A file or systemd unit path the finding is about, when there is one (for SARIF/JUnit locations). */
  location?: string
  /** Rule description and rationale, copied from the ruleset for reports. */
  description?: string
  rationale?: string
  /** Effective weight used in the score (severity weight × rule weight). */
  weight?: number
  durationMs?: number
  /** Set with status `waived`: the waiver that excepted this failure (it then gives no credit and costs nothing). */
  waived?: {reason: string; expires?: string; by?: string}
}

/** Results per status (`notApplicable` counts `not-applicable`). */
export interface StatusCounts {
  pass: number
  fail: number
  error: number
  notApplicable: number
  waived: number
}

/** Score of one control family within one framework (e.g. nist-800-53 `AU`, pci-dss `10`). */
export interface ControlFamilyScore extends StatusCounts {
  framework: string
  family: string
  /** 0–100, or null when no rule of the family was applicable. */
  score: number | null
}

/** The result of one ruleset. */
export interface RulesetResult {
  id: string
  /** 0–100 severity-weighted pass ratio over applicable rules (100 when none applied). */
  score: number
  results: RuleResult[]
  title?: string
  version?: string
  /** The file the ruleset was loaded from (built-in rulesets too). */
  file?: string
  summary?: StatusCounts
  controlFamilies?: ControlFamilyScore[]
}

/** The whole audit: what `llmsec audit --json` prints. */
export interface AuditResult {
  /** Overall score: the mean of the ruleset scores, rounded to one decimal. */
  score: number
  rulesets: RulesetResult[]
  /** Counts over all results of all rulesets. */
  summary: StatusCounts
  host?: string
  llmsecVersion?: string
  /** ISO 8601 start time. */
  startedAt?: string
  durationMs?: number
  /** The root filesystem audited offline with --root, or null for the live host. */
  root?: string | null
  /** Whether endpoints were probed (--probe). */
  probe?: boolean
  /** Exit policy that was applied, for reporters that show why a build failed. */
  failOn?: Severity | 'none'
  failUnder?: number | null
}
