import type {FactCache} from './facts/cache.js'
import type {RuleStatus} from './types.js'

/** Conditions a rule or check can require before it applies (see conditions.ts). */
export const CONDITIONS = [
  'nvidia-gpu',
  'inference-runtime',
  'systemd',
  'ssh-server',
  'docker',
  'model-files',
  'debian',
] as const
export type Condition = (typeof CONDITIONS)[number]

/** What a check gets: the root to read under, the shared fact cache and its parameters. */
export interface CheckContext<P = Record<string, unknown>> {
  /** The filesystem root ('/' for the live host). */
  root: string
  /** True when auditing the running host (not --root): live facts are available. */
  live: boolean
  /** Whether --probe allows connecting to local inference endpoints. */
  probe: boolean
  facts: FactCache
  params: P
  signal?: AbortSignal
}

/** What a check returns; the engine adds rule metadata. */
export interface CheckOutcome {
  status: RuleStatus
  evidence: string[]
  /** Skip or error reason. */
  reason?: string
  location?: string
}

/**
 * One check (ESLint-style): metadata, a JSON Schema for its parameters and run(). Rulesets
 * select and parameterise checks; checks never run shell strings.
 */
export interface Check<P = Record<string, unknown>> {
  id: string
  title: string
  description: string
  /** JSON Schema of the `check.params` object in a ruleset. */
  params: object
  /** Conditions that must hold, else the rule is skipped with the reason. */
  appliesWhen?: Condition[]
  /** Needs the running host (processes, sockets, firewall, GPUs): skipped under --root. */
  live?: boolean
  run(ctx: CheckContext<P>): Promise<CheckOutcome>
}

/** Helpers to build outcomes tersely. */
export const outcome = {
  pass: (evidence: string[] = [], location?: string): CheckOutcome => ({status: 'pass', evidence, location}),
  fail: (evidence: string[], location?: string): CheckOutcome => ({status: 'fail', evidence, location}),
  warn: (evidence: string[], location?: string): CheckOutcome => ({status: 'warn', evidence, location}),
  skip: (reason: string): CheckOutcome => ({status: 'skip', reason, evidence: [reason]}),
  error: (reason: string): CheckOutcome => ({status: 'error', reason, evidence: [reason]}),
}

/** Declares a check with typed params (identity function for inference). */
export function defineCheck<P>(check: Check<P>): Check<P> {
  return check
}
