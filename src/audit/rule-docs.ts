import {dirname} from 'node:path'

import {INFORMATION_URI} from '../core/sarif.js'
import {FRAMEWORK_TITLES} from './controls.js'
import {LIMITS_NOT_STATED, proves} from './framework-table.js'
import {describeEdit} from './fixes.js'
import {builtInRulesetDir} from './ruleset-paths.js'
import type {ResolvedRule, ResolvedRuleset} from './ruleset.types.js'

/**
 * One page per built-in rule, docs/rules/<id>.md (scripts/render-rule-docs.ts writes them; a test
 * keeps them equal to the rulesets). SARIF's `helpUri` links a result to its rule's page.
 */
export const RULE_DOCS_DIR = 'docs/rules'

let builtInDir: string | undefined

/**
 * Whether the rule is written in a built-in ruleset, so that its page describes it. A rule a user's
 * ruleset overrides is written there (its severity, parameters or fix may differ): no page.
 */
function hasRuleDoc(rule: ResolvedRule): boolean {
  builtInDir ??= builtInRulesetDir()
  return dirname(rule.source.file) === builtInDir
}

const FILE_NAME = /^[a-z0-9][a-z0-9.-]*$/

/** The file name of a rule's page; ids that could not be a plain file name have none. */
const ruleDocFile = (id: string) => (FILE_NAME.test(id) ? `${id}.md` : null)

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()

/**
 * The page of a rule in the project's repository, when every copy of it the run evaluated is the
 * built-in one (so the page describes what ran).
 */
export function ruleHelpUri(copies: ResolvedRule[]): string | undefined {
  const file = ruleDocFile(copies[0].id)
  return file && copies.every(hasRuleDoc) ? `${INFORMATION_URI}/blob/main/${RULE_DOCS_DIR}/${file}` : undefined
}

/** One built-in rule as each ruleset that contains it sees it. */
type RuleViews = {ruleset: ResolvedRuleset; rule: ResolvedRule}[]

/** A rule's page, from every built-in ruleset that contains it (each with its own severity and controls). */
function renderRuleDoc(id: string, views: RuleViews): string {
  const {rule} = views[0]
  const controls = new Map<string, Set<string>>()
  for (const {rule: r} of views)
    for (const [framework, ids] of Object.entries(r.controls))
      for (const c of ids) controls.set(framework, (controls.get(framework) ?? new Set()).add(c))
  const params = Object.keys(rule.check.params).length
    ? ` with parameters \`${JSON.stringify(rule.check.params)}\``
    : ''
  const fix = [
    oneLine(rule.remediation.text),
    ...(rule.remediation.edits ?? []).flatMap((edit) => describeEdit(edit).map((l) => `    ${l}`)),
    ...(rule.remediation.commands ?? []).map((c) => `    $ ${c}`),
  ]
  const references = Object.entries(rule.references).map(([source, sections]) => `${source} ${sections.join(', ')}`)
  return [
    `# \`${id}\`: ${rule.title}`,
    '',
    '<!-- Written by scripts/render-rule-docs.ts from the built-in rulesets; edit the rulesets, not this page. -->',
    '',
    proves(rule),
    '',
    ...(rule.rationale ? [`**Why it matters:** ${oneLine(rule.rationale)}`, ''] : []),
    `**What a pass does not show:** ${oneLine(rule.limits) || LIMITS_NOT_STATED}`,
    '',
    '| ruleset | severity |',
    '|---|---|',
    ...views.map(({ruleset, rule: r}) => `| \`${ruleset.id}\` | ${r.severity} |`),
    '',
    '**Controls:**',
    '',
    ...[...controls].map(([framework, ids]) => `- ${FRAMEWORK_TITLES[framework] ?? framework}: ${[...ids].join(', ')}`),
    '',
    `**Check:** \`${rule.check.id}\`${params}.`,
    '',
    ...(references.length ? [`**Follows:** ${references.join('; ')}.`, ''] : []),
    '**Fix:**',
    '',
    fix[0],
    ...(fix.length > 1 ? ['', ...fix.slice(1)] : []),
    '',
  ].join('\n')
}

/** Every built-in rule's page by file name, and an index page (README.md) listing them. */
export function renderRuleDocs(rulesets: ResolvedRuleset[]): Map<string, string> {
  const byId = new Map<string, RuleViews>()
  for (const ruleset of rulesets)
    for (const rule of ruleset.rules) byId.set(rule.id, [...(byId.get(rule.id) ?? []), {ruleset, rule}])
  const pages = new Map<string, string>()
  const index = [
    '# Built-in rules',
    '',
    'One page per rule of the built-in rulesets (`llmsec rulesets show <id>`).',
    '',
  ]
  for (const [id, views] of [...byId].sort(([a], [b]) => a.localeCompare(b))) {
    const file = ruleDocFile(id)
    if (!file || !views.some((v) => hasRuleDoc(v.rule))) continue
    pages.set(file, renderRuleDoc(id, views))
    index.push(`- [\`${id}\`](${file}): ${views[0].rule.title}`)
  }
  pages.set('README.md', `${index.join('\n')}\n`)
  return pages
}
