import type {JSONSchemaType} from 'ajv'

import type {FactCache, Unreadable} from './facts/index.js'
import type {CheckStatus} from './audit.types.js'
import type {Fix} from './fix.types.js'

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
  /** Whether --walk allows walking every local filesystem of the root (seconds on a full host). */
  walk: boolean
  facts: FactCache
  params: P
  signal?: AbortSignal
}

/** What a check returns; the engine adds rule metadata. */
export interface CheckOutcome {
  status: CheckStatus
  evidence: string[]
  /** Not-applicable or error reason. */
  reason?: string
  location?: string
  /** An error because permissions stopped a non-root llmsec from reading an input. */
  needsRoot?: boolean
  /** With `fail`: the fix for what this check saw (withFix in fixes.ts). */
  fix?: Fix
}

/**
 * One check (ESLint-style): metadata, a JSON Schema for its parameters and run(). Rulesets
 * select and parameterise checks; checks never run shell strings.
 */
export interface Check<P = Record<string, unknown>> {
  id: string
  title: string
  description: string
  /**
   * JSON Schema of the `check.params` object in a ruleset, typed against P by ajv. ajv's type
   * wants `nullable: true` on optional properties; that marker is for TypeScript only and is
   * dropped before validating (see paramsSchema), so null stays an invalid value.
   */
  params: JSONSchemaType<P>
  /** Conditions that must hold, else the rule is not applicable (with the reason). */
  appliesWhen?: Condition[]
  /**
   * What a pass of this check never shows, whatever its params: the framework tables' last column
   * for every rule that does not state its own `limits`.
   */
  limits?: string
  /**
   * Reads much (the vulnerability engine, a walk of directories): the engine queues it before the
   * other checks, so its waiting on the disk overlaps theirs instead of coming last.
   */
  early?: boolean
  /** Needs the running host (processes, sockets, firewall, GPUs): not applicable under --root. */
  live?: boolean
  /**
   * Params holding regular expressions (a string or a list of strings): the ruleset loader
   * rejects one that does not compile on RE2, and the check matches with compileRuleRegex.
   */
  regexParams?: string[]
  run(ctx: CheckContext<P>): Promise<CheckOutcome>
}

/** The params of a check that takes none. */
export type NoParams = Record<string, never>

/** The params schema of a check that takes none: an empty object, nothing else. */
export const NO_PARAMS: JSONSchemaType<NoParams> = {
  type: 'object',
  additionalProperties: false,
  properties: {},
  required: [],
}

type RequiredKeys<P> = string extends keyof P ? never : {[K in keyof P]-?: undefined extends P[K] ? never : K}[keyof P]
type SchemaDrift<P, S> = S extends {properties?: infer Props; required?: infer Required}
  ? {
      notRequired: Exclude<RequiredKeys<P>, Required extends readonly (infer K)[] ? K : never>
      notInParams: Exclude<keyof Props, keyof P>
    }
  : never
/** S when it declares exactly P's properties and requires exactly P's required ones; else a type error naming the drift. */
type NoDrift<P, S> =
  SchemaDrift<P, S> extends {notRequired: never; notInParams: never} ? S : {paramsSchemaDrift: SchemaDrift<P, S>}

/**
 * Declares a check whose params schema cannot drift from its params type: ajv's JSONSchemaType
 * rejects a property of the wrong type (or an optional one without `nullable`), and this rejects a
 * required param missing from `required` and a schema property the type does not have.
 * Usage: `defineCheck<Params>()({id, …, params: {…}, run})`.
 */
export function defineCheck<P>() {
  return <const S extends JSONSchemaType<P>>(check: Omit<Check<P>, 'params'> & {params: NoDrift<P, S>}): Check<P> =>
    check as unknown as Check<P>
}

const schemas = new WeakMap<object, object>()

function withoutNullable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullable)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'nullable')
      .map(([key, inner]) => [key, withoutNullable(inner)]),
  )
}

/**
 * The JSON Schema of a check's params as rulesets see it (published by `rulesets list --checks`;
 * check-params.ts compiles it).
 */
export function paramsSchema(check: {params: object}): object {
  let schema = schemas.get(check.params)
  if (!schema) {
    schema = withoutNullable(check.params) as object
    schemas.set(check.params, schema)
  }
  return schema
}

const PERMISSION_CODES = new Set(['EACCES', 'EPERM'])
const MAX_UNREADABLE_LINES = 10

function unreadableLine(u: Unreadable): string {
  return `cannot read ${u.path}: ${u.reason}`
}

/** The error for inputs that could not be read: names the first path; hints at root when permissions stopped it. */
function unreadableOutcome(unreadable: Unreadable[]): CheckOutcome {
  const more = unreadable.length > 1 ? ` and ${unreadable.length - 1} more inputs` : ''
  const denied = unreadable.some((u) => PERMISSION_CODES.has(u.code)) && process.getuid?.() !== 0
  const reason = `${unreadableLine(unreadable[0])}${more}${denied ? '; run llmsec as root' : ''}`
  const lines = unreadable.slice(1, MAX_UNREADABLE_LINES).map(unreadableLine)
  const rest =
    unreadable.length > MAX_UNREADABLE_LINES ? [`… and ${unreadable.length - MAX_UNREADABLE_LINES} more`] : []
  return {status: 'error', reason, evidence: [reason, ...lines, ...rest], ...(denied ? {needsRoot: true} : {})}
}

/** Helpers to build outcomes tersely. */
export const outcome = {
  pass: (evidence: string[] = [], location?: string): CheckOutcome => ({status: 'pass', evidence, location}),
  fail: (evidence: string[], location?: string): CheckOutcome => ({status: 'fail', evidence, location}),
  /** The thing the rule is about does not exist here: no credit, the reason shown. */
  notApplicable: (reason: string): CheckOutcome => ({status: 'not-applicable', reason, evidence: [reason]}),
  error: (reason: string): CheckOutcome => ({status: 'error', reason, evidence: [reason]}),
  /** An error naming inputs that could not be read (never "does not exist", never a pass or not-applicable). */
  unreadable: unreadableOutcome,
}

/**
 * A verdict reached over inputs of which some could not be read. Unread inputs never let a check
 * pass or be not-applicable: the outcome becomes an `error` naming them. With `findingsStand` (the check
 * judges items one by one, so a bad item it did read is bad whatever the unread ones hold) a
 * `fail` stays a fail, with the unread inputs listed after its evidence.
 */
export function guardUnreadable(out: CheckOutcome, unreadable: Unreadable[], findingsStand = false): CheckOutcome {
  if (!unreadable.length || out.status === 'error') return out
  if (out.status === 'fail' && findingsStand)
    return {...out, evidence: [...out.evidence, ...unreadable.map(unreadableLine)]}
  return unreadableOutcome(unreadable)
}
