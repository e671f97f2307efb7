import type {ImageSummary} from '../image/index.js'
/**
 * The result types of `llmsec audit`. Reporters (SARIF, JUnit, HTML) and waivers consume
 * these, so this file is kept stable: add optional fields, never rename or remove.
 */

import type {Severity} from '../core/severity.js'
import type {Fix} from './fix.types.js'

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

/**
 * The result of one distinct rule. A rule shared by several rulesets is evaluated once and
 * reported once: `rulesets` lists them, `controls` carries every framework's controls and
 * `severity` is the most severe rating any of them gives it.
 */
export interface RuleResult {
  ruleId: string
  title: string
  status: RuleStatus
  severity: Severity
  controls: ControlMap
  /** What was observed (one line each); for not-applicable/error the first line is the reason. */
  evidence: string[]
  /** How to fix it (text; then the fix's steps, edits and commands as lines). */
  remediation: string
  /** With status `fail`: the fix as data (file edits, commands shown but never run, manual steps). */
  fix?: Fix
  /** The check that produced this result. */
  checkId?: string
  /** Not-applicable or error reason, also the first evidence line. */
  reason?: string
  /** A file or systemd unit path the finding is about, when there is one (for SARIF/JUnit locations). */
  location?: string
  /** Rule description and rationale, copied from the ruleset for reports. */
  description?: string
  rationale?: string
  /** The rule's page (docs/rules/<id>.md) when the rule is a built-in one. */
  helpUri?: string
  /** Effective weight used in the score (severity weight × rule weight). */
  weight?: number
  durationMs?: number
  /** Set with status `waived`: the waiver that excepted this failure (it then gives no credit and costs nothing). */
  waived?: {reason: string; expires?: string; by?: string}
  /** The rulesets that contain this rule. */
  rulesets?: string[]
  /** The check could not read an input because llmsec does not run as root (with status `error`). */
  needsRoot?: boolean
}

/** One rule as one ruleset sees it: that ruleset's severity, weight and controls, and its status. */
export interface RulesetRule {
  ruleId: string
  status: RuleStatus
  severity: Severity
  weight: number
  controls: ControlMap
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

/**
 * `score · applicable/total rules · failures by severity`: what the first line of every report says.
 * `failures` counts `fail` and `error` results per severity (an unevaluated rule is not a pass).
 */
export interface Headline {
  score: number
  applicable: number
  total: number
  failures: Record<Severity, number>
  /** How many of the failures are errors (could not be evaluated). */
  errors: number
}

/** One ruleset's (framework's) view of the audit: its own score over its own rules. */
export interface RulesetResult {
  id: string
  /** 0–100 severity-weighted pass ratio over applicable rules (100 when none applied), capped (see criticalCap). */
  score: number
  /** The rules of this ruleset, with this ruleset's severities; details are in AuditResult.rules. */
  rules: RulesetRule[]
  /** The score a failing critical rule caps this ruleset at (default 40). */
  criticalCap?: number
  headline?: Headline
  title?: string
  version?: string
  /** The file the ruleset was loaded from (built-in rulesets too). */
  file?: string
  summary?: StatusCounts
  controlFamilies?: ControlFamilyScore[]
}

/** A container image audited with --image (read in place, never extracted). */
export type AuditedImage = ImageSummary

/** The whole audit: what `llmsec audit --json` prints. */
export interface AuditResult {
  /** Overall score over the distinct rules of all rulesets (each counted once), capped at the strictest criticalCap. */
  score: number
  headline?: Headline
  /** Every distinct rule, once. */
  rules: RuleResult[]
  /** Per-ruleset (per-framework) views. */
  rulesets: RulesetResult[]
  /** Counts over the distinct rules. */
  summary: StatusCounts
  /** The audited host's name: /etc/hostname of --root, else this machine's; --host-name overrides. */
  host?: string
  /** The audited host's OS (os-release PRETTY_NAME of --root, else this machine's), when known. */
  os?: string | null
  llmsecVersion?: string
  /** ISO 8601 start time. */
  startedAt?: string
  durationMs?: number
  /** The root filesystem audited offline with --root, or null for the live host (and for --image). */
  root?: string | null
  /** The container image audited with --image, read in place. */
  image?: AuditedImage
  /** Whether endpoints were probed (--probe). */
  probe?: boolean
  /** Whether the local filesystems were walked (--walk). */
  walk?: boolean
  /** Exit policy that was applied, for reporters that show why a build failed. */
  failOn?: Severity | 'none'
  failUnder?: number | null
  /** --allow-incomplete: errors did not make the run exit 4. */
  allowIncomplete?: boolean
}
