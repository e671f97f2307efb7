import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditReport, FleetReport} from '../../src/audit/reports/index.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {loadSarifValidator, sampleReport} from '../helpers/sample-report.js'
import {loadDocSchema} from '../helpers/schema.js'

const TOKEN = 'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345'

/** A result file whose ruleset view carries copies of result data the results themselves do not show. */
function withSecretInView(host: string): unknown {
  const report = sampleReport(host) as unknown as {rulesets: Record<string, unknown>[]}
  const view = report.rulesets[0]
  const rules = view.rules as Record<string, unknown>[]
  rules[0] = {...rules[0], evidence: [`HF_TOKEN=${TOKEN}`], remediation: `export HF_TOKEN=${TOKEN}`}
  view.notes = `token ${TOKEN}`
  // Fields no schema documents, at the top and in a result, are copies too.
  ;(report as unknown as Record<string, unknown>).debug = {env: `HF_TOKEN=${TOKEN}`}
  ;(report as unknown as {rules: Record<string, unknown>[]}).rules[1].raw = TOKEN
  return report
}

describe('llmsec report reads ruleset views by their documented fields only', () => {
  let dir: string
  const file = (name: string) => join(dir, name)
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-report-views-'))
    await writeFile(file('good.json'), JSON.stringify(sampleReport('gpu-1')))
    await writeFile(file('good2.json'), JSON.stringify(sampleReport('gpu-2')))
    await writeFile(file('secret.json'), JSON.stringify(withSecretInView('gpu-3')))
    const unknownRule = sampleReport('gpu-4')
    unknownRule.rulesets[0].rules.push({...unknownRule.rulesets[0].rules[0], ruleId: 'not-in-results'})
    await writeFile(file('unknown-rule.json'), JSON.stringify(unknownRule))
    const otherStatus = sampleReport('gpu-5')
    const firewall = otherStatus.rulesets[0].rules.find((r) => r.ruleId === 'bind-loopback')!
    firewall.status = 'pass'
    await writeFile(file('other-status.json'), JSON.stringify(otherStatus))
    const otherScore = sampleReport('gpu-6')
    otherScore.rulesets[0].score = 100
    await writeFile(file('other-score.json'), JSON.stringify(otherScore))
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  it('never prints a secret held in a view copy (--format json, --json, fleet)', async () => {
    const single = await runCli(['report', file('secret.json'), '--format', 'json'])
    expect(single.exitCode, single.stderr).toBe(0)
    expect(single.stdout).not.toContain(TOKEN)
    const parsed = JSON.parse(single.stdout) as AuditReport
    expect(Object.keys(parsed.rulesets[0].rules[0]).sort()).toEqual([
      'controls',
      'ruleId',
      'severity',
      'status',
      'weight',
    ])
    expect(parsed.rulesets[0]).not.toHaveProperty('notes')
    expect(parsed).not.toHaveProperty('debug')
    expect(parsed.rules[1]).not.toHaveProperty('raw')
    // The documented fields keep their order: the file printed again is the file as it was read.
    expect(Object.keys(parsed)).toEqual(Object.keys(sampleReport('gpu-3')))
    const json = await runCliJson<AuditReport>(['report', file('secret.json')])
    expect(json.stdout).not.toContain(TOKEN)
    const fleet = await runCli(['report', file('good.json'), file('secret.json'), '--format', 'json'])
    expect(fleet.exitCode, fleet.stderr).toBe(0)
    expect(fleet.stdout).not.toContain(TOKEN)
    for (const format of ['markdown', 'html', 'sarif', 'junit', 'table']) {
      const run = await runCli(['report', file('good.json'), file('secret.json'), '--format', format])
      expect(run.stdout, format).not.toContain(TOKEN)
    }
  })

  it('refuses a file whose view names a rule that is not in its results, naming the file', async () => {
    const run = await runCli(['report', file('unknown-rule.json')])
    expect(run.exitCode).toBe(2)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toMatch(/unknown-rule\.json .*not-in-results/)
  })

  it('refuses a file whose view claims another status or score than its results give', async () => {
    const status = await runCli(['report', file('other-status.json')])
    expect(status.exitCode).toBe(2)
    expect(status.stderr).toMatch(/other-status\.json .*bind-loopback/)
    const score = await runCli(['report', file('other-score.json')])
    expect(score.exitCode).toBe(2)
    expect(score.stderr).toMatch(/other-score\.json .*score/)
  })

  it('lists refused files in rejected[] and exits 4; the other hosts are still reported', async () => {
    const run = await runCliJson<FleetReport>([
      'report',
      file('good.json'),
      file('unknown-rule.json'),
      file('good2.json'),
      file('missing.json'),
    ])
    expect(run.exitCode, run.stderr).toBe(4)
    const validate = loadDocSchema('report')
    expect(validate(run.json), JSON.stringify(validate.errors)).toBe(true)
    expect(run.json.hosts.map((h) => h.host)).toEqual(['gpu-1', 'gpu-2'])
    expect(run.json.rejected?.map((r) => r.file)).toEqual([file('unknown-rule.json'), file('missing.json')])
    expect(run.json.rejected?.[0].reason).toMatch(/not-in-results/)
    // One good file among refused ones is still a fleet report (rejected[] has to go somewhere).
    const one = await runCliJson<FleetReport>(['report', file('good.json'), file('other-status.json')])
    expect(one.exitCode).toBe(4)
    expect(one.json.kind).toBe('fleet')
    expect(one.json.hosts).toHaveLength(1)
    const table = await runCli(['report', file('good.json'), file('other-status.json')])
    expect(table.exitCode).toBe(4)
    expect(table.stdout).toMatch(/REJECTED \(1, not in the report\)/)
    expect(table.stderr).toMatch(/other-status\.json/)
  })

  it('shows the refused files in every format (SARIF valid, JUnit an errored testcase)', async () => {
    const files = [file('good.json'), file('good2.json'), file('unknown-rule.json')]
    const sarif = await runCli(['report', ...files, '--format', 'sarif'])
    expect(sarif.exitCode).toBe(4)
    const log = JSON.parse(sarif.stdout) as {properties?: {rejected?: {file: string}[]}; runs: unknown[]}
    const validate = loadSarifValidator()
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true)
    expect(log.runs).toHaveLength(2)
    expect(log.properties?.rejected?.map((r) => r.file)).toEqual([file('unknown-rule.json')])
    const junit = await runCli(['report', ...files, '--format', 'junit'])
    expect(junit.stdout).toMatch(
      /<testcase name="[^"]*unknown-rule\.json" [^>]*><error message="[^"]*not-in-results[^"]*" type="result-rejected"\/>/,
    )
    expect(junit.stdout).toMatch(/<testsuites [^>]*errors="(\d+)"/)
    const markdown = await runCli(['report', ...files, '--format', 'markdown'])
    expect(markdown.stdout).toContain('### Result files left out (1)')
    const html = await runCli(['report', ...files, '--format', 'html'])
    expect(html.stdout).toMatch(/<ul class="notice expired" id="rejected"><li><code>[^<]*unknown-rule\.json<\/code>/)
  })

  it('exits 2 when every file is refused', async () => {
    const run = await runCli(['report', file('unknown-rule.json'), file('other-status.json')])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/none of the 2 result files/)
  })
})
