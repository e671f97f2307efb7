import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {XMLParser} from 'fast-xml-parser'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditReport} from '../../src/audit/reports/index.js'
import {rulesOf} from '../helpers/audit-results.js'
import {buildCarelessRoot} from '../helpers/audit-roots.js'
import {runCli} from '../helpers/cli.js'
import {removeRoot} from '../helpers/rootfs.js'
import {loadDocSchema} from '../helpers/schema.js'
import {loadSarifValidator} from '../helpers/sample-report.js'

/** A day relative to today (UTC), as waivers write it: created today, expiring within the 365 days allowed. */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
const TODAY = day(0)
const LATER = day(300)

// inference-bind-loopback is critical: its (expired) waiver needs --allow-critical-waivers.
const WAIVERS = `waivers:
  - rule: baseline.ssh-no-root-login
    justification: break-glass console access, ticket SEC-142
    approver: ciso@example.org
    created: ${TODAY}
    expires: ${LATER}
  - rule: inference-bind-loopback
    justification: reverse proxy with mTLS in front, SEC-150
    approver: ciso@example.org
    created: 2019-06-01
    expires: 2020-01-01
    path: /etc/systemd/system/*.service
  - rule: no-such-rule
    justification: a typo in the rule id, SEC-151
    approver: ops@example.org
    created: ${TODAY}
    expires: ${day(200)}
`

describe('llmsec audit --format / --output-dir / --waivers', () => {
  let root: string
  let dir: string
  beforeAll(async () => {
    root = await buildCarelessRoot()
    dir = await mkdtemp(join(tmpdir(), 'llmsec-reports-'))
    await writeFile(join(dir, 'waivers.yaml'), WAIVERS)
  })
  afterAll(async () => {
    await removeRoot(root)
    await rm(dir, {recursive: true, force: true})
  })

  it('writes json, sarif, junit, html and markdown from one run, each valid, waivers visible in each', async () => {
    const out = join(dir, 'out')
    const formats = ['json', 'sarif', 'junit', 'html', 'markdown'].flatMap((f) => ['--format', f])
    const run = await runCli([
      'audit',
      '--root',
      root,
      '--waivers',
      join(dir, 'waivers.yaml'),
      '--allow-critical-waivers',
      ...formats,
      '--output-dir',
      out,
    ])
    expect(run.exitCode, run.stderr).toBe(1)
    expect(run.stdout).toBe('')
    for (const ext of ['json', 'sarif', 'junit.xml', 'html', 'md'])
      expect(run.stderr).toContain(join(out, `llmsec-audit.${ext}`))

    const json = JSON.parse(await readFile(join(out, 'llmsec-audit.json'), 'utf8')) as AuditReport
    const validate = loadDocSchema('audit')
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true)
    const report = loadDocSchema('report')
    expect(report(json), JSON.stringify(report.errors)).toBe(true)
    const baseline = rulesOf(json)
    expect(baseline.get('ssh-no-root-login')?.waived?.by).toBe('ciso@example.org')
    expect(baseline.get('inference-bind-loopback')?.waived).toBeUndefined()
    expect(baseline.get('inference-bind-loopback')?.evidence.join('\n')).toContain('waiver expired on 2020-01-01')
    expect(json.waivers?.outcomes.map((o) => o.state)).toEqual(['active', 'expired', 'unmatched'])
    expect(json.inventory?.os).toBe('Debian GNU/Linux 12 (bookworm)')
    expect(json.inventory?.runtimes[0]).toMatchObject({runtime: 'ollama'})

    const sarif = JSON.parse(await readFile(join(out, 'llmsec-audit.sarif'), 'utf8')) as {
      runs: {results: {ruleId: string; suppressions?: unknown[]; message: {text: string}}[]}[]
    }
    const validateSarif = loadSarifValidator()
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true)
    const sarifResults = new Map(sarif.runs[0].results.map((r) => [r.ruleId, r]))
    expect(sarifResults.get('ssh-no-root-login')?.suppressions).toHaveLength(1)
    expect(sarifResults.get('inference-bind-loopback')?.message.text).toContain('waiver expired')

    const junitXml = await readFile(join(out, 'llmsec-audit.junit.xml'), 'utf8')
    const junit = new XMLParser({ignoreAttributes: false, attributeNamePrefix: ''}).parse(junitXml) as {
      testsuites: {
        tests: string
        failures: string
        testsuite: {testcase: {name: string; skipped?: {message: string}; failure?: {'#text': string}}[]}
      }
    }
    const cases = junit.testsuites.testsuite.testcase
    expect(Number(junit.testsuites.tests)).toBe(json.rules.length)
    expect(Number(junit.testsuites.failures)).toBe(json.summary.fail)
    expect(cases.find((c) => c.name.startsWith('ssh-no-root-login:'))?.skipped?.message).toMatch(
      new RegExp(`^waived until ${LATER}`),
    )
    expect(cases.find((c) => c.name.startsWith('inference-bind-loopback:'))?.failure?.['#text']).toContain(
      'waiver expired',
    )

    const html = await readFile(join(out, 'llmsec-audit.html'), 'utf8')
    expect(html).toContain(`data-score="${json.score.toFixed(1)}"`)
    expect(html).toContain('<span class="status status-waived">waived</span>')
    expect(html).toContain('waiver for inference-bind-loopback expired on 2020-01-01')
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//)

    const md = await readFile(join(out, 'llmsec-audit.md'), 'utf8')
    expect(md).toContain(`## llmsec audit: ${json.score.toFixed(1)}/100`)
    expect(md).toContain(`\`ssh-no-root-login\` | ciso@example.org | ${LATER}`)
    expect(md).toContain('- expired: waiver for inference-bind-loopback expired on 2020-01-01')
    expect(md).toContain('- unmatched: waiver for no-such-rule matches nothing')
  })

  it('prints a table with waivers on stdout by default', async () => {
    const run = await runCli([
      'audit',
      '--root',
      root,
      '--waivers',
      join(dir, 'waivers.yaml'),
      '--allow-critical-waivers',
      '--rule',
      'ssh-no-root-login',
      '--rule',
      'inference-bind-loopback',
    ])
    expect(run.stdout).toMatch(/WAIVED \(1, not counted in the score\)\n {2}~ ssh-no-root-login/)
    expect(run.stdout).toContain('WAIVERS TO REVIEW (2)')
    expect(run.stdout).toContain('waiver for no-such-rule matches nothing')
  })

  it('exits 2 with file:line:column on a malformed waivers file, before auditing', async () => {
    const bad = join(dir, 'bad.yaml')
    await writeFile(
      bad,
      'waivers:\n  - rule: ssh\n    justification: because\n    approver: me\n    created: 2026-04-01\n    expires: someday\n',
    )
    const run = await runCli(['audit', '--root', root, '--waivers', bad])
    expect(run.exitCode).toBe(2)
    expect(run.stderr.trim()).toBe(
      `llmsec: ${bad}:6:14: waivers.0.expires: must match pattern "^\\d{4}-\\d{2}-\\d{2}$"`,
    )
  })

  it('refuses several formats without --output-dir (exit 2)', async () => {
    const run = await runCli(['audit', '--root', root, '--format', 'json', '--format', 'sarif'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('2 formats need --output-dir')
  })
})
