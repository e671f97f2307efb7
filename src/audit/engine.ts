import {hostname} from 'node:os'

import {usageError} from '../core/errors.js'
import {noProgress, type OnProgress} from '../core/progress.js'
import {resolveRootOption} from '../core/root-path.js'
import {outcome, type CheckOutcome} from './check.js'
import {findCheck} from './checks/index.js'
import {createFactCache, type FactCache, type ModelTrust} from './facts/index.js'
import {evaluateCheck} from './run-check.js'
import type {ResolvedRule, ResolvedRuleset} from './ruleset.types.js'
import {countStatuses, overallScore, scoreControlFamilies, scoreResults, SEVERITY_WEIGHTS} from './score.js'
import type {AuditResult, RuleResult, RulesetResult} from './audit.types.js'

export interface AuditOptions {
  /** Resolved rulesets (see loadRuleset). */
  rulesets: ResolvedRuleset[]
  /** Only these rule ids (all rulesets). */
  rules?: string[]
  /** Audit a mounted root filesystem offline ('/' or undefined: the running host). */
  root?: string
  probe?: boolean
  modelPaths?: string[]
  /** Trust for model signatures (llmsec.yaml `signing`); without it signatures cannot be verified. */
  trust?: ModelTrust
  /** Per-check timeout (default 15 s). */
  timeoutMs?: number
  /** Checks running at once (default 16). */
  concurrency?: number
  version?: string
  onProgress?: OnProgress
  /** An existing fact cache (tests inject one to count gathers). */
  facts?: FactCache
}

const DEFAULT_TIMEOUT_MS = 15_000

/** Runs one rule's check (see evaluateCheck); an unknown check id is an error. */
async function runRuleCheck(rule: ResolvedRule, facts: FactCache, timeoutMs: number): Promise<CheckOutcome> {
  const check = findCheck(rule.check.id)
  if (!check) return outcome.error(`unknown check ${rule.check.id}`)
  return evaluateCheck(check, facts, {params: rule.check.params, appliesWhen: rule.appliesWhen, timeoutMs})
}

/** A small concurrency limiter (checks are I/O bound; facts are shared anyway). */
function createLimiter(size: number) {
  let active = 0
  const queue: (() => void)[] = []
  return async function limit<T>(task: () => Promise<T>): Promise<T> {
    if (active >= size) await new Promise<void>((resolve_) => queue.push(resolve_))
    active++
    try {
      return await task()
    } finally {
      active--
      queue.shift()?.()
    }
  }
}

function toResult(rule: ResolvedRule, out: CheckOutcome, durationMs: number): RuleResult {
  const commands = rule.remediation.commands?.length
    ? `\n${rule.remediation.commands.map((c) => `  ${c}`).join('\n')}`
    : ''
  return {
    ruleId: rule.id,
    title: rule.title,
    status: out.status,
    severity: rule.severity,
    controls: rule.controls,
    evidence: out.evidence,
    remediation: `${rule.remediation.text.trim()}${commands}`,
    checkId: rule.check.id,
    ...(out.reason ? {reason: out.reason} : {}),
    ...(out.location ? {location: out.location} : {}),
    description: rule.description,
    rationale: rule.rationale,
    weight: SEVERITY_WEIGHTS[rule.severity] * rule.weight,
    durationMs,
  }
}

/**
 * Audits the host (or a root filesystem) against rulesets. Identical checks (same id and
 * parameters) run once and are shared across rulesets; every fact is gathered once.
 */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const started = Date.now()
  const startedAt = new Date(started).toISOString()
  const root = await resolveRootOption(options.root)
  const env = {root, probe: options.probe, modelPaths: options.modelPaths, trust: options.trust}
  const facts = options.facts ?? createFactCache(env)
  const onProgress = options.onProgress ?? noProgress
  const selected = options.rulesets.map((rs) => ({
    rs,
    rules: options.rules?.length ? rs.rules.filter((r) => options.rules!.includes(r.id)) : rs.rules,
  }))
  if (options.rules?.length && selected.every((s) => s.rules.length === 0)) {
    throw usageError(`no rule ${options.rules.join(', ')} in ruleset ${options.rulesets.map((r) => r.id).join(', ')}.`)
  }
  const limit = createLimiter(options.concurrency ?? 16)
  const runs = new Map<string, Promise<{out: CheckOutcome; ms: number}>>()
  const total = selected.reduce((n, s) => n + s.rules.length, 0)
  let done = 0
  const runOnce = (rule: ResolvedRule) => {
    const key = JSON.stringify([rule.check.id, rule.check.params, rule.appliesWhen])
    let run = runs.get(key)
    if (!run) {
      run = limit(async () => {
        const t0 = performance.now()
        const out = await runRuleCheck(rule, facts, options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
        return {out, ms: Math.round(performance.now() - t0)}
      })
      runs.set(key, run)
    }
    return run.then((r) => {
      onProgress({phase: 'auditing', done: ++done, total, unit: 'items', detail: rule.id})
      return toResult(rule, r.out, r.ms)
    })
  }
  const rulesets: RulesetResult[] = await Promise.all(
    selected.map(async ({rs, rules}) => {
      const results = await Promise.all(rules.map(runOnce))
      return {
        id: rs.id,
        title: rs.title,
        version: rs.version,
        file: rs.file,
        score: scoreResults(results),
        summary: countStatuses(results),
        controlFamilies: scoreControlFamilies(results),
        results,
      }
    }),
  )
  return {
    score: overallScore(rulesets.map((r) => r.score)),
    rulesets,
    summary: countStatuses(rulesets.flatMap((r) => r.results)),
    host: hostname(),
    llmsecVersion: options.version,
    startedAt,
    durationMs: Date.now() - started,
    root: root === '/' ? null : root,
    probe: options.probe ?? false,
  }
}
