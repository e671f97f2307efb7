/**
 * Writes docs/rules/<id>.md for every built-in rule, and its index, from the built-in rulesets (run
 * with `npx tsx scripts/render-rule-docs.ts`); pages of rules that no longer exist are removed. A
 * test keeps the directory equal to the rulesets.
 */
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {listBuiltInRulesets, loadRuleset} from '../src/audit/index.js'
import {RULE_DOCS_DIR, renderRuleDocs} from '../src/audit/rule-docs.js'

const dir = join(import.meta.dirname, '..', RULE_DOCS_DIR)
const pages = renderRuleDocs(await Promise.all((await listBuiltInRulesets()).map((id) => loadRuleset(id))))
mkdirSync(dir, {recursive: true})
for (const name of readdirSync(dir)) if (!pages.has(name)) rmSync(join(dir, name))
for (const [name, text] of pages) writeFileSync(join(dir, name), text)
console.log(`${pages.size} pages in ${RULE_DOCS_DIR}`)
