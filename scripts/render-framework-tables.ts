/**
 * Writes the per-framework tables of docs/rulesets.md from the built-in rulesets (run with
 * `npx tsx scripts/render-framework-tables.ts`); a test keeps the page equal to the rulesets.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {listBuiltInRulesets, loadRuleset} from '../src/audit/index.js'
import {renderFrameworkMarkdown} from '../src/audit/framework-table.js'

const path = join(import.meta.dirname, '..', 'docs', 'rulesets.md')
const text = readFileSync(path, 'utf8')
const [head, rest] = text.split('<!-- framework-tables:start -->')
const tail = rest.split('<!-- framework-tables:end -->')[1]
const rulesets = await Promise.all((await listBuiltInRulesets()).map((id) => loadRuleset(id)))
writeFileSync(
  path,
  `${head}<!-- framework-tables:start -->\n${renderFrameworkMarkdown(rulesets)}<!-- framework-tables:end -->${tail}`,
)
