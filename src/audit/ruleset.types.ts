import type {Condition} from './check.js'
import type {YamlLocation} from '../core/yaml.js'
import type {ControlMap, Severity} from './audit.types.js'
import type {FileEdit} from './fix.types.js'

/** Remediation of a rule: text, file edits (fix.types.ts) and commands shown, never run. */
export interface Remediation {
  text: string
  commands?: string[]
  edits?: FileEdit[]
}

/** A rule as written in YAML. */
export interface RuleSpec {
  id: string
  title: string
  description?: string
  rationale?: string
  severity: Severity
  weight?: number
  controls?: ControlMap
  /** Benchmark sections the rule follows: source → section numbers (`{cis-debian-12: ['5.1.6']}`). */
  references?: Record<string, string[]>
  /** What a pass does not show (docs/rulesets.md's framework tables print it next to the description). */
  limits?: string
  appliesWhen?: Condition[]
  check: {id: string; params?: Record<string, unknown>}
  remediation: string | Remediation
}

export interface RuleOverride {
  severity?: Severity
  weight?: number
  params?: Record<string, unknown>
  controls?: ControlMap
  appliesWhen?: Condition[]
  remediation?: string | Remediation
}

export interface ExtendsSpec {
  ruleset: string
  remove?: string[]
  overrides?: Record<string, RuleOverride>
}

/** A ruleset file as written in YAML. */
export interface RulesetSpec {
  apiVersion: 'llmsec.dev/v1'
  kind: 'Ruleset'
  id: string
  title: string
  version: string
  description?: string
  framework?: string
  /** `criticalCap`: the score a failing critical rule caps this ruleset at (default 40). */
  scoring?: {criticalCap?: number}
  extends?: (string | ExtendsSpec)[]
  rules?: RuleSpec[]
}

/** A rule after `extends`, overrides and removals were applied. */
export interface ResolvedRule {
  id: string
  title: string
  description: string
  rationale: string
  severity: Severity
  weight: number
  controls: ControlMap
  /** Benchmark sections the rule follows (empty when it cites none). */
  references: Record<string, string[]>
  /** What a pass does not show ('' when the rule does not say). */
  limits: string
  appliesWhen: Condition[]
  check: {id: string; params: Record<string, unknown>}
  remediation: Remediation
  /** Where the rule (or its last override) is written. */
  source: YamlLocation
}

export interface ResolvedRuleset {
  id: string
  title: string
  version: string
  description: string
  framework?: string
  file: string
  builtIn: boolean
  /** The score a failing (or erroring) critical rule caps this ruleset at. */
  criticalCap: number
  rules: ResolvedRule[]
}
