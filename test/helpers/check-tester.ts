import {describe, expect, it} from 'vitest'

import type {Check, CheckOutcome, Condition} from '../../src/audit/check.js'
import {paramsValidator} from '../../src/audit/check-params.js'
import {evaluateCheck} from '../../src/audit/run-check.js'
import type {ModelTrust, Unreadable} from '../../src/audit/facts/index.js'
import type {CheckStatus} from '../../src/audit/audit.types.js'
import {createTestFacts, type FixedFacts} from './check-context.js'
import {buildRoot, removeRoot, type RootSpec} from './rootfs.js'

/** One situation a check is run in. */
export interface CheckCase<P> {
  name: string
  /** Files of a root filesystem built for this case; without them the case audits this host ('/'). */
  files?: RootSpec
  /** Validated against the check's schema first (default {}). */
  params?: P
  /** Audit as the running host (default: true without files, false with them). */
  live?: boolean
  probe?: boolean
  /** Allow walking the root (--walk). */
  walk?: boolean
  /** Facts replaced by fixed values (what cannot exist here: a GPU, a loaded firewall). */
  facts?: FixedFacts
  modelPaths?: string[]
  /** Runs on the built root before the check (sign a model, change a file). */
  setup?: (root: string) => Promise<void>
  /** Model-signature trust (llmsec.yaml `signing`), from the built root. */
  trust?: (root: string) => ModelTrust
  /** The whole evidence, line by line (a RegExp matches its line). */
  evidence?: (string | RegExp)[]
  /** Lines the evidence must contain. */
  includes?: (string | RegExp)[]
  /** How many evidence lines. */
  evidenceCount?: number
  reason?: string | RegExp
  location?: string
}

/** A case the check must pass. */
export type ValidCase<P> = CheckCase<P>

/** A case the check must not pass, with the status it must report. */
export interface InvalidCase<P> extends CheckCase<P> {
  status: Exclude<CheckStatus, 'pass'>
}

export interface CheckTests<P> {
  valid?: ValidCase<P>[]
  invalid?: InvalidCase<P>[]
  /** Params the check's schema must reject. */
  invalidParams?: unknown[]
}

const matcher = (line: string | RegExp) => (typeof line === 'string' ? line : expect.stringMatching(line))

/** Runs one case as the engine does; appliesWhen is a rule's own conditions. */
export async function runCase<P>(check: Check<P>, c: CheckCase<P>, appliesWhen?: Condition[]): Promise<CheckOutcome> {
  const params = c.params ?? {}
  const validate = paramsValidator(check)
  expect(validate(params), `params ${JSON.stringify(params)}: ${JSON.stringify(validate.errors)}`).toBe(true)
  const root = c.files ? await buildRoot(c.files) : '/'
  try {
    await c.setup?.(root)
    const facts = createTestFacts({...c, root, live: c.live ?? !c.files, trust: c.trust?.(root)})
    const run = {params: params as Record<string, unknown>, appliesWhen, timeoutMs: 15_000}
    return await evaluateCheck(check as unknown as Check, facts, run)
  } finally {
    if (c.files) await removeRoot(root)
  }
}

export function expectOutcome(out: CheckOutcome, status: CheckStatus, c: CheckCase<unknown>): void {
  const seen = JSON.stringify(out)
  expect(out.status, seen).toBe(status)
  if (c.evidence) expect(out.evidence, seen).toEqual(c.evidence.map(matcher))
  if (c.includes) expect(out.evidence, seen).toEqual(expect.arrayContaining(c.includes.map(matcher)))
  if (c.evidenceCount !== undefined) expect(out.evidence, seen).toHaveLength(c.evidenceCount)
  if (c.reason !== undefined) expect(out.reason, seen).toEqual(matcher(c.reason))
  if (c.location !== undefined) expect(out.location, seen).toBe(c.location)
}

/**
 * A table-driven tester for checks, after ESLint's RuleTester: each case builds its root
 * filesystem, has its params validated against the check's schema and runs the check the way the
 * audit engine does (live-only skips, appliesWhen conditions, timeout, exceptions as errors).
 */
export const checkTester = {
  run<P>(check: Check<P>, tests: CheckTests<NoInfer<P>>): void {
    describe(check.id, () => {
      for (const c of tests.valid ?? [])
        it(`passes: ${c.name}`, async () => expectOutcome(await runCase(check, c), 'pass', c))
      for (const c of tests.invalid ?? [])
        it(`${c.status}: ${c.name}`, async () => expectOutcome(await runCase(check, c), c.status, c))
      if (tests.invalidParams?.length)
        it('rejects invalid params', () => {
          const validate = paramsValidator(check)
          for (const params of tests.invalidParams!) expect(validate(params), JSON.stringify(params)).toBe(false)
        })
    })
  },
}

/** What a fact records for a path it was not allowed to read. */
export function denied(path: string): Unreadable {
  return {path, code: 'EACCES', reason: 'permission denied (EACCES)'}
}
