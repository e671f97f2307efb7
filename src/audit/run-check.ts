import {coreError, describeError} from '../core/errors.js'
import {outcome, type Check, type CheckContext, type CheckOutcome, type Condition} from './check.js'
import {evaluateCondition} from './conditions.js'
import {FactUnavailableError, LIVE_ONLY_REASON, type FactCache} from './facts/index.js'

/** How one check runs: the rule's parameters and extra conditions, and its time budget. */
export interface CheckRun {
  params: Record<string, unknown>
  /** The rule's appliesWhen, added to the check's own. */
  appliesWhen?: Condition[]
  timeoutMs: number
}

async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(coreError('TIMEOUT', `timed out after ${ms} ms`))
    }, ms)
  })
  try {
    return await Promise.race([work(controller.signal), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Why the check does not apply here (not-applicable), or an error when the facts deciding it were unreadable. */
async function notApplicable(check: Check, conditions: Condition[], facts: FactCache): Promise<CheckOutcome | null> {
  if (check.live && !facts.env.live) return outcome.notApplicable(`${check.id} ${LIVE_ONLY_REASON}`)
  for (const condition of conditions) {
    const {holds, reason, unreadable} = await evaluateCondition(condition, facts)
    if (!holds) return unreadable?.length ? outcome.unreadable(unreadable) : outcome.notApplicable(reason)
  }
  return null
}

/**
 * Runs one check as the audit engine does: not-applicable when it needs the running host under
 * --root or a condition does not hold, then run() with a timeout. A FactUnavailableError (the
 * subsystem is absent: no systemd as PID 1, a live fact under --root) is not-applicable with its
 * reason; any other exception, a timeout included, is an `error`.
 */
export async function evaluateCheck(check: Check, facts: FactCache, run: CheckRun): Promise<CheckOutcome> {
  try {
    const conditions = [...new Set<Condition>([...(check.appliesWhen ?? []), ...(run.appliesWhen ?? [])])]
    const inapplicable = await notApplicable(check, conditions, facts)
    if (inapplicable) return inapplicable
    return await withTimeout((signal) => {
      const ctx: CheckContext = {...facts.env, facts, params: run.params, signal}
      return check.run(ctx)
    }, run.timeoutMs)
  } catch (error) {
    if (error instanceof FactUnavailableError) return outcome.notApplicable(error.message)
    return outcome.error(`check ${check.id} could not run: ${describeError(error)}`)
  }
}
