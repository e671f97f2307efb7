import {KNOWN_CONTROLS} from './controls.js'
import type {ResolvedRule, ResolvedRuleset} from './ruleset.types.js'

/** One control of a framework ruleset and the rules that give evidence for it. */
export interface ControlRow {
  control: string
  rules: {id: string; proves: string; limits: string}[]
}

/** What a rule shows, in one line: its description, or its title when it has none. */
export const proves = (rule: ResolvedRule) => (rule.description || rule.title).replace(/\s+/g, ' ').trim()

/** Said of a rule that does not state what a pass leaves unproven. */
export const LIMITS_NOT_STATED = 'not stated'

/**
 * The control → rules table of a framework ruleset, in the order of the framework's control list;
 * empty for a ruleset without a framework.
 */
export function frameworkTable(ruleset: ResolvedRuleset): ControlRow[] {
  const framework = ruleset.framework
  if (!framework) return []
  const byControl = new Map<string, ResolvedRule[]>()
  for (const rule of ruleset.rules)
    for (const control of rule.controls[framework] ?? [])
      byControl.set(control, [...(byControl.get(control) ?? []), rule])
  const order = KNOWN_CONTROLS[framework] ?? []
  const controls = [...byControl.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b))
  return controls.map((control) => ({
    control,
    rules: byControl.get(control)!.map((r) => ({id: r.id, proves: proves(r), limits: r.limits || LIMITS_NOT_STATED})),
  }))
}

const cell = (text: string) => text.replaceAll('|', '\\|')

/** The framework tables of docs/rulesets.md (scripts/render-framework-tables.ts writes them there). */
export function renderFrameworkMarkdown(rulesets: ResolvedRuleset[]): string {
  const sections = rulesets
    .filter((r) => r.framework)
    .map((ruleset) => {
      const rows = frameworkTable(ruleset).flatMap(({control, rules}) =>
        rules.map(
          (r, i) => `| ${i === 0 ? cell(control) : ''} | \`${r.id}\` | ${cell(r.proves)} | ${cell(r.limits)} |`,
        ),
      )
      return [
        `### ${ruleset.title} (\`${ruleset.id}\`)`,
        '',
        '| control | rule | what a pass shows | what it does not show |',
        '|---|---|---|---|',
        ...rows,
        '',
      ].join('\n')
    })
  return sections.join('\n')
}
