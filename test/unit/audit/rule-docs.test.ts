import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {listBuiltInRulesets, loadRuleset} from '../../../src/audit/index.js'
import {RULE_DOCS_DIR, renderRuleDocs} from '../../../src/audit/rule-docs.js'
import {INFORMATION_URI} from '../../../src/core/sarif.js'
import {buildCarelessRoot} from '../../helpers/audit-roots.js'
import {repoRoot, runCli} from '../../helpers/cli.js'
import {removeRoot} from '../../helpers/rootfs.js'

const docs = join(repoRoot, RULE_DOCS_DIR)
const rulesets = await Promise.all((await listBuiltInRulesets()).map((id) => loadRuleset(id)))

interface SarifRule {
  id: string
  helpUri?: string
}

describe('rule pages (docs/rules)', () => {
  it('are what the built-in rulesets render, one per rule, no stale pages (npx tsx scripts/render-rule-docs.ts)', () => {
    const pages = renderRuleDocs(rulesets)
    expect(readdirSync(docs).sort()).toEqual([...pages.keys()].sort())
    for (const [name, text] of pages) expect(readFileSync(join(docs, name), 'utf8'), name).toBe(text)
    const ids = new Set(rulesets.flatMap((r) => r.rules.map((rule) => rule.id)))
    expect(pages.size).toBe(ids.size + 1)
  })

  it("show each ruleset's severity and every framework's controls of a shared rule", () => {
    const page = renderRuleDocs(rulesets).get('ssh-no-root-login.md')!
    expect(page).toMatch(/\| `hipaa` \| high \|/)
    expect(page).toContain('HIPAA Security Rule: ')
    expect(page).toContain('NIST SP 800-53 Rev. 5: ')
    expect(page).toContain('**Check:** `sshd-option`')
  })
})

describe('SARIF helpUri', () => {
  let root: string
  let dir: string
  beforeAll(async () => {
    root = await buildCarelessRoot()
    dir = await mkdtemp(join(tmpdir(), 'llmsec-rule-docs-'))
  })
  afterAll(async () => {
    await removeRoot(root)
    await rm(dir, {recursive: true, force: true})
  })

  it("links each built-in rule to its page, and not a rule a user's ruleset overrides", async () => {
    const custom = join(dir, 'custom.yaml')
    await writeFile(
      custom,
      'apiVersion: llmsec.dev/v1\nkind: Ruleset\nid: custom\ntitle: Custom\nversion: 1.0.0\n' +
        'extends:\n  - ruleset: baseline\n    overrides:\n      ssh-no-root-login: {severity: low}\n',
    )
    const out = join(dir, 'audit.sarif')
    const run = await runCli(['audit', '--root', root, '--ruleset', custom, '--format', 'sarif', '--output', out])
    expect(run.exitCode, run.stderr).toBe(1)
    const log = JSON.parse(await readFile(out, 'utf8')) as {runs: {tool: {driver: {rules: SarifRule[]}}}[]}
    const rules = log.runs[0].tool.driver.rules
    expect(rules.find((r) => r.id === 'ssh-no-root-login')?.helpUri).toBeUndefined()
    const linked = rules.filter((r) => r.helpUri)
    expect(linked.length).toBeGreaterThan(10)
    for (const rule of linked) {
      const prefix = `${INFORMATION_URI}/blob/main/${RULE_DOCS_DIR}/`
      expect(rule.helpUri!.startsWith(prefix), rule.helpUri).toBe(true)
      expect(existsSync(join(docs, rule.helpUri!.slice(prefix.length))), rule.helpUri).toBe(true)
      expect(rule.helpUri).toBe(`${prefix}${rule.id}.md`)
    }
  })
})
