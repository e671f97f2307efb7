import {existsSync} from 'node:fs'
import {dirname} from 'node:path'

import type {ErrorObject} from 'ajv'

import {formatLocation, loadYamlFile, locate, locateLazily, type LoadedYaml} from '../core/yaml.js'
import type {Check} from './check.js'
import {paramsValidator} from './check-params.js'
import {findCheck} from './checks/index.js'
import {KNOWN_CONTROLS} from './controls.js'
import {auditError} from './errors.js'
import {ruleRegexError} from './rule-regex.js'
import {builtInRulesetDir, resolveRef} from './ruleset-paths.js'
import {rulesetSchema} from './ruleset.schema.js'
import {DEFAULT_CRITICAL_CAP} from './score.js'
import type {Remediation, ResolvedRule, ResolvedRuleset, RuleOverride, RulesetSpec} from './ruleset.types.js'

/**
 * Parsing and validating a ruleset file (the half of the loader that needs the YAML parser, ajv
 * and RE2), imported by ruleset-loader.ts only when a ruleset is not in the build's cache.
 */

const MAX_EXTENDS_DEPTH = 8

/** Loads a ruleset file that `extends` names (the loader's, which caches by file). */
type LoadFile = (file: string, chain: string[]) => Promise<ResolvedRuleset>

function fail(loaded: LoadedYaml<unknown>, pointer: string, message: string, atKey = false): never {
  throw auditError('RULESET_INVALID', `${formatLocation(locate(loaded, pointer, atKey))}: ${message}`)
}

function describeParamError(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>
  if (error.keyword === 'additionalProperties') return `unknown parameter ${String(p.additionalProperty)}`
  if (error.keyword === 'required') return `missing required parameter ${String(p.missingProperty)}`
  if (error.keyword === 'enum') return `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`
  if (error.keyword === 'type') return `must be ${String(p.type)}`
  return error.message ?? 'is invalid'
}

/** Regular-expression params must compile on RE2 (linear time), else the ruleset is rejected at load. */
function validateRegexParams(
  loaded: LoadedYaml<unknown>,
  pointer: string,
  check: Check,
  params: unknown,
  label: string,
) {
  for (const name of check.regexParams ?? []) {
    const value = (params as Record<string, unknown>)[name]
    const patterns = Array.isArray(value) ? value : value === undefined ? [] : [value]
    patterns.forEach((pattern, i) => {
      const why = typeof pattern === 'string' ? ruleRegexError(pattern) : null
      if (why === null) return
      const at = Array.isArray(value) ? `/${name}/${i}` : `/${name}`
      fail(
        loaded,
        `${pointer}${at}`,
        `${label}${at.replaceAll('/', '.')}: ${JSON.stringify(pattern)} is not an RE2 regular expression (${why}); rulesets run on a linear-time engine without lookaround or backreferences`,
      )
    })
  }
}

/** Validates check params against the check's schema; errors name the parameter's location. */
function validateParams(loaded: LoadedYaml<unknown>, pointer: string, checkId: string, params: unknown, label: string) {
  const check = findCheck(checkId)
  if (!check) return
  const validate = paramsValidator(check)
  if (validate(params)) return validateRegexParams(loaded, pointer, check, params, label)
  const error = validate.errors![0]
  const extra = (error.params as {additionalProperty?: string}).additionalProperty
  const at = `${pointer}${error.instancePath}${extra ? `/${extra}` : ''}`
  const key = `${label}${error.instancePath.replaceAll('/', '.')}${extra ? `.${extra}` : ''}`
  fail(loaded, at, `${key}: ${describeParamError(error)} (check ${checkId})`, Boolean(extra))
}

function validateControls(loaded: LoadedYaml<unknown>, pointer: string, controls: Record<string, string[]> = {}) {
  for (const [framework, ids] of Object.entries(controls)) {
    const known = KNOWN_CONTROLS[framework]
    if (!known) continue
    ids.forEach((id, i) => {
      if (!known.includes(id))
        fail(
          loaded,
          `${pointer}/${framework}/${i}`,
          `${framework} control "${id}" is not a known ${framework} control id`,
        )
    })
  }
}

function toRemediation(value: string | Remediation): Remediation {
  return typeof value === 'string' ? {text: value} : value
}

function mergeControls(base: Record<string, string[]>, extra: Record<string, string[]> = {}): Record<string, string[]> {
  const out: Record<string, string[]> = {...base}
  for (const [framework, ids] of Object.entries(extra))
    out[framework] = [...new Set([...(out[framework] ?? []), ...ids])]
  return out
}

function applyOverride(rule: ResolvedRule, o: RuleOverride, source: ResolvedRule['source']): ResolvedRule {
  return {
    ...rule,
    severity: o.severity ?? rule.severity,
    weight: o.weight ?? rule.weight,
    appliesWhen: o.appliesWhen ?? rule.appliesWhen,
    controls: mergeControls(rule.controls, o.controls),
    check: {id: rule.check.id, params: {...rule.check.params, ...o.params}},
    remediation: o.remediation ? toRemediation(o.remediation) : rule.remediation,
    source,
  }
}

async function inheritRules(
  loaded: LoadedYaml<RulesetSpec>,
  chain: string[],
  load: LoadFile,
): Promise<Map<string, ResolvedRule>> {
  const rules = new Map<string, ResolvedRule>()
  for (const [i, entry] of (loaded.data.extends ?? []).entries()) {
    const spec = typeof entry === 'string' ? {ruleset: entry} : entry
    const pointer = `/extends/${i}`
    const {file} = resolveRef(spec.ruleset, loaded.file)
    if ([...chain, loaded.file].includes(file))
      fail(loaded, pointer, `extends ${spec.ruleset}: circular extends (${[...chain, file].join(' → ')})`)
    if (!existsSync(file)) fail(loaded, pointer, `extends ${spec.ruleset}: no such ruleset (${file})`)
    const base = await load(file, [...chain, loaded.file])
    const inherited = new Map(base.rules.map((r) => [r.id, r]))
    for (const [j, id] of (spec.remove ?? []).entries()) {
      if (!inherited.delete(id)) fail(loaded, `${pointer}/remove/${j}`, `remove: ${id} is not a rule of ${base.id}`)
    }
    for (const [id, override] of Object.entries(spec.overrides ?? {})) {
      const at = `${pointer}/overrides/${id}`
      const rule = inherited.get(id)
      if (!rule) fail(loaded, at, `overrides.${id}: ${id} is not a rule of ${base.id}`, true)
      validateControls(loaded, `${at}/controls`, override.controls)
      const merged = applyOverride(rule, override, locate(loaded, at, true))
      validateParams(loaded, `${at}/params`, rule.check.id, merged.check.params, `overrides.${id}.params`)
      inherited.set(id, merged)
    }
    for (const [id, rule] of inherited) rules.set(id, rule)
  }
  return rules
}

function ownRules(loaded: LoadedYaml<RulesetSpec>, rules: Map<string, ResolvedRule>): void {
  const seen = new Set<string>()
  for (const [i, spec] of (loaded.data.rules ?? []).entries()) {
    const pointer = `/rules/${i}`
    if (seen.has(spec.id)) fail(loaded, `${pointer}/id`, `rules[${i}].id: duplicate rule id ${spec.id}`)
    seen.add(spec.id)
    if (!findCheck(spec.check.id)) {
      fail(
        loaded,
        `${pointer}/check/id`,
        `rules[${i}].check.id: unknown check "${spec.check.id}" (see llmsec rulesets list --checks)`,
      )
    }
    validateParams(
      loaded,
      `${pointer}/check/params`,
      spec.check.id,
      spec.check.params ?? {},
      `rules[${i}].check.params`,
    )
    validateControls(loaded, `${pointer}/controls`, spec.controls)
    rules.set(spec.id, {
      id: spec.id,
      title: spec.title,
      description: spec.description ?? '',
      rationale: spec.rationale ?? '',
      severity: spec.severity,
      weight: spec.weight ?? 1,
      controls: spec.controls ?? {},
      references: spec.references ?? {},
      limits: spec.limits ?? findCheck(spec.check.id)?.limits ?? '',
      appliesWhen: spec.appliesWhen ?? [],
      check: {id: spec.check.id, params: spec.check.params ?? {}},
      remediation: toRemediation(spec.remediation),
      source: locateLazily(loaded, pointer),
    })
  }
}

/** Every rule of a framework ruleset must map to at least one control of that framework. */
function checkFrameworkCoverage(loaded: LoadedYaml<RulesetSpec>, rules: ResolvedRule[]): void {
  const framework = loaded.data.framework
  if (!framework) return
  for (const rule of rules) {
    if (rule.controls[framework]?.length) continue
    const where = formatLocation(rule.source)
    throw auditError(
      'RULESET_INVALID',
      `${where}: rule ${rule.id} maps to no ${framework} control; add one in an override or remove the rule (framework: ${framework})`,
    )
  }
}

/** Parses and validates one ruleset file, its `extends` loaded through `load`. */
export async function parseRulesetFile(file: string, chain: string[], load: LoadFile): Promise<ResolvedRuleset> {
  if (chain.length > MAX_EXTENDS_DEPTH)
    throw auditError('RULESET_INVALID', `${file}: extends nests deeper than ${MAX_EXTENDS_DEPTH}`)
  const loaded = await loadYamlFile<RulesetSpec>(file, rulesetSchema)
  const rules = await inheritRules(loaded, [...chain], load)
  ownRules(loaded, rules)
  const list = [...rules.values()]
  checkFrameworkCoverage(loaded, list)
  const {id, title, version, description, framework, scoring} = loaded.data
  const builtIn = dirname(file) === builtInRulesetDir()
  const criticalCap = scoring?.criticalCap ?? DEFAULT_CRITICAL_CAP
  return {id, title, version, description: description ?? '', framework, file, builtIn, criticalCap, rules: list}
}
