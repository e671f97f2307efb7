/** One waiver of a waivers file. */
export interface Waiver {
  /** `rule-id` (every ruleset) or `ruleset.rule-id`. */
  rule: string
  /** Why the finding is accepted and where it is tracked (at least 20 characters). */
  justification: string
  /** Who approved it (the owner of the exception). */
  approver: string
  /** YYYY-MM-DD the waiver was written or last reviewed; not in the future. */
  created: string
  /** YYYY-MM-DD, at most `waivers.maxDays` (365) after `created`; the waiver holds through the end of that day (UTC). */
  expires: string
  /** Optional hostname glob. */
  host?: string
  /** Optional glob on the finding's location. */
  path?: string
}

export interface WaiversFile {
  waivers: Waiver[]
}

/**
 * What became of a waiver in one audit: `active` waived at least one failure; `expired` matched a
 * failure but is past its date (the failure stands); `unneeded` matched only rules that did not fail;
 * `unmatched` matched no rule at all (a typo, or a host/path that does not exist).
 */
export type WaiverState = 'active' | 'expired' | 'unneeded' | 'unmatched'

export interface WaiverOutcome extends Waiver {
  /** Position in the file (1-based) and its line, so reports can point at it. */
  index: number
  line?: number
  state: WaiverState
  /** Rule ids the waiver matched. */
  matched: string[]
}

/** The waivers part of a report. */
export interface WaiverReport {
  /** The waivers file, or null when none was used. */
  file: string | null
  /** The date waivers were judged against (YYYY-MM-DD, UTC). */
  today: string
  outcomes: WaiverOutcome[]
}
