import {paramsSchema} from './check.js'
import {CHECKS} from './checks/index.js'
import {listBuiltInRulesets, loadRuleset} from './ruleset-loader.js'

export interface RulesetSummary {
  id: string
  title: string
  version: string
  framework: string | null
  rules: number
  file: string
}

export interface CheckSummary {
  id: string
  title: string
  description: string
  live: boolean
  appliesWhen: string[]
  params: object
}

/** Every built-in ruleset, loaded and validated. */
export async function listRulesets(): Promise<RulesetSummary[]> {
  const out: RulesetSummary[] = []
  for (const id of await listBuiltInRulesets()) {
    const rs = await loadRuleset(id)
    out.push({
      id: rs.id,
      title: rs.title,
      version: rs.version,
      framework: rs.framework ?? null,
      rules: rs.rules.length,
      file: rs.file,
    })
  }
  return out
}

/** Every check rulesets can use, with its parameter schema. */
export function listChecks(): CheckSummary[] {
  return CHECKS.map((c) => ({
    id: c.id,
    title: c.title,
    description: c.description,
    live: c.live ?? false,
    appliesWhen: c.appliesWhen ?? [],
    params: paramsSchema(c),
  }))
}
