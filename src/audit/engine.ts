import {usageError} from '../core/errors.js'
import {noProgress, type OnProgress} from '../core/progress.js'
import {resolveRootOption} from '../core/root-path.js'
import {outcome, type CheckOutcome} from './check.js'
import {findCheck} from './checks/index.js'
import {createFactCache, type FactCache, type FactEnv, type ModelTrust} from './facts/index.js'
import {sanitizeEvidence, sanitizeLine} from './evidence.js'
import {auditedHost} from './host-identity.js'
import {hostOnlyReason} from './fix-context.js'
import {renderRemediation, ruleFix} from './fixes.js'
import {evaluateCheck} from './run-check.js'
import {ruleHelpUri} from './rule-docs.js'
import type {ResolvedRule, ResolvedRuleset} from './ruleset.types.js'
import {countStatuses, scoreAudit, SEVERITY_WEIGHTS} from './score.js'
import type {AuditResult, ControlMap, RuleResult, RulesetResult} from './audit.types.js'
import type {OpenImage} from '../image/index.js'
import {compareSeverity} from '../core/severity.js'
import {maxOf} from '../core/arrays.js'

export interface AuditOptions {
  /** Resolved rulesets (see loadRuleset). */
  rulesets: ResolvedRuleset[]
  /** Only these rule ids (all rulesets). */
  rules?: string[]
  /** Audit a mounted root filesystem offline ('/' or undefined: the running host). */
  root?: string
  probe?: boolean
  /** Walk the local filesystems (--walk): the world-writable and unowned file rules apply only then. */
  walk?: boolean
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
  /** The host name reports show (default: the image's /etc/hostname under --root, else this machine's). */
  hostName?: string
  /** An image opened as a virtual root (--image): `root` is its root, reports name it. */
  image?: OpenImage
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

/** What one ruleset's rule produced: the ruleset, the rule and its check's outcome. */
interface Evaluated {
  rulesetId: string
  rule: ResolvedRule
  out: CheckOutcome
  key: string
  ms: number
}

const WORST_FIRST: CheckOutcome['status'][] = ['fail', 'error', 'pass', 'not-applicable']

function ruleWeight(rule: ResolvedRule): number {
  return SEVERITY_WEIGHTS[rule.severity] * rule.weight
}

function mergeControls(all: ControlMap[]): ControlMap {
  const out: ControlMap = {}
  for (const controls of all)
    for (const [framework, ids] of Object.entries(controls))
      out[framework] = [...new Set([...(out[framework] ?? []), ...ids])]
  return out
}

/**
 * The outcome of a rule evaluated with different parameters by different rulesets (log retention
 * of 90 days in one, 365 in another): the worst one, its evidence lines naming the rulesets.
 */
function worstOutcome(variants: Evaluated[]): CheckOutcome {
  const byKey = new Map<string, Evaluated[]>()
  for (const v of variants) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v])
  if (byKey.size === 1) return variants[0].out
  const groups = [...byKey.values()]
  const worst = groups
    .map((g) => g[0].out)
    .sort((a, b) => WORST_FIRST.indexOf(a.status) - WORST_FIRST.indexOf(b.status))[0]
  const evidence = groups.flatMap((g) =>
    g[0].out.evidence.map((line) => `${g.map((v) => v.rulesetId).join(', ')}: ${line}`),
  )
  return {...worst, evidence}
}

/** One distinct rule from every ruleset's copy of it: evaluated once per distinct check, reported once. */
function toResult(variants: Evaluated[], hostOnly: string | null): RuleResult {
  const {rule} = variants[0]
  const out = worstOutcome(variants)
  const fix = ruleFix(rule.remediation, out, hostOnly)
  const severity = variants.map((v) => v.rule.severity).reduce((a, b) => (compareSeverity(b, a) > 0 ? b : a))
  const helpUri = ruleHelpUri(variants.map((v) => v.rule))
  return {
    ruleId: rule.id,
    title: rule.title,
    status: out.status,
    severity,
    controls: mergeControls(variants.map((v) => v.rule.controls)),
    evidence: sanitizeEvidence(out.evidence),
    remediation: renderRemediation(rule.remediation, fix),
    ...(fix ? {fix} : {}),
    checkId: rule.check.id,
    ...(out.reason ? {reason: sanitizeLine(out.reason)} : {}),
    ...(out.location ? {location: out.location} : {}),
    ...(out.needsRoot ? {needsRoot: true} : {}),
    description: rule.description,
    rationale: rule.rationale,
    ...(helpUri ? {helpUri} : {}),
    weight: maxOf(
      variants.map((v) => ruleWeight(v.rule)),
      -Infinity,
    ),
    durationMs: maxOf(
      variants.map((v) => v.ms),
      -Infinity,
    ),
    rulesets: [...new Set(variants.map((v) => v.rulesetId))],
  }
}

function rulesetView(rs: ResolvedRuleset, evaluated: Evaluated[]): RulesetResult {
  return {
    id: rs.id,
    title: rs.title,
    version: rs.version,
    file: rs.file,
    score: 0,
    criticalCap: rs.criticalCap,
    rules: evaluated.map(({rule, out}) => ({
      ruleId: rule.id,
      status: out.status,
      severity: rule.severity,
      weight: ruleWeight(rule),
      controls: rule.controls,
    })),
  }
}

/** Runs every selected rule's check, each distinct check once, with progress. */
async function evaluateAll(
  selected: {rs: ResolvedRuleset; rules: ResolvedRule[]}[],
  facts: FactCache,
  options: AuditOptions,
) {
  const limit = createLimiter(options.concurrency ?? 16)
  const onProgress = options.onProgress ?? noProgress
  const runs = new Map<string, Promise<{out: CheckOutcome; ms: number}>>()
  const total = selected.reduce((n, s) => n + s.rules.length, 0)
  let done = 0
  const start = (rule: ResolvedRule) => {
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
    return {key, run}
  }
  const runOnce = async (rulesetId: string, rule: ResolvedRule): Promise<Evaluated> => {
    const {key, run} = start(rule)
    const {out, ms} = await run
    onProgress({phase: 'auditing', done: ++done, total, unit: 'items', detail: rule.id})
    return {rulesetId, rule, out, key, ms}
  }
  // Early checks are queued first, so their waiting overlaps the others'; results keep the rulesets' order.
  for (const {rules} of selected) for (const rule of rules) if (findCheck(rule.check.id)?.early) start(rule)
  return Promise.all(selected.map(({rs, rules}) => Promise.all(rules.map((rule) => runOnce(rs.id, rule)))))
}

/** What the facts know of an --image: its name, tags and config. */
export function imageFactEnv(image: OpenImage | undefined): FactEnv['image'] {
  return image ? {name: image.name, tags: image.tags, config: image.config} : undefined
}

/**
 * Audits the host (or a root filesystem) against rulesets. A rule shared by several rulesets is
 * one distinct rule: its check runs once (once per distinct parameters), it is reported once with
 * every framework's controls, and each ruleset's view scores it with its own severity. Every fact
 * is gathered once.
 */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const started = Date.now()
  const startedAt = new Date(started).toISOString()
  const root = options.image?.root ?? (await resolveRootOption(options.root))
  const image = imageFactEnv(options.image)
  const env = {
    root,
    probe: options.probe,
    walk: options.walk,
    modelPaths: options.modelPaths,
    trust: options.trust,
    image,
  }
  const facts = options.facts ?? createFactCache(env)
  const selected = options.rulesets.map((rs) => ({
    rs,
    rules: options.rules?.length ? rs.rules.filter((r) => options.rules!.includes(r.id)) : rs.rules,
  }))
  if (options.rules?.length && selected.every((s) => s.rules.length === 0)) {
    throw usageError(`no rule ${options.rules.join(', ')} in ruleset ${options.rulesets.map((r) => r.id).join(', ')}.`)
  }
  const evaluated = await evaluateAll(selected, facts, options)
  const {host, os} = await auditedHost(facts, options.hostName ?? options.image?.name)
  const hostOnly = await hostOnlyReason(facts)
  const byRule = new Map<string, Evaluated[]>()
  for (const e of evaluated.flat()) byRule.set(e.rule.id, [...(byRule.get(e.rule.id) ?? []), e])
  const audit: AuditResult = {
    score: 0,
    rules: [...byRule.values()].map((variants) => toResult(variants, hostOnly)),
    rulesets: selected.map(({rs}, i) => rulesetView(rs, evaluated[i])),
    summary: countStatuses([]),
    host,
    os,
    llmsecVersion: options.version,
    startedAt,
    durationMs: Date.now() - started,
    root: root === '/' || options.image ? null : root,
    // The image readers are loaded for --image only.
    ...(options.image ? {image: (await import('../image/index.js')).summarizeImage(options.image)} : {}),
    probe: options.probe ?? false,
    walk: options.walk ?? false,
  }
  scoreAudit(audit)
  return audit
}
