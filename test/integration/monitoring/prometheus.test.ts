import {readdir, readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditReport} from '../../../src/audit/reports/index.js'
import {renderExposition} from '../../../src/core/prometheus.js'
import type {ScanResult} from '../../../src/scan/index.js'
import {buildCarelessRoot, buildHardenedRoot, hardenedConfig} from '../../helpers/audit-roots.js'
import {repoRoot, runCli, runCliJson} from '../../helpers/cli.js'
import {expectValidMetrics, noPromtool, promtool, sampleValue} from '../../helpers/promtool.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'
import {vulnRootSpec} from '../../helpers/vuln-root.js'

describe.skipIf(noPromtool)('--format prometheus, checked by promtool', () => {
  const roots: string[] = []
  let careless = ''
  let out = ''
  beforeAll(async () => {
    careless = await buildCarelessRoot()
    out = await buildRoot({'/textfile': {dir: 0o755}}, 'llmsec-textfile-')
    roots.push(careless, out)
  })
  afterAll(async () => {
    for (const root of roots) await removeRoot(root)
  })

  it('audit: per-ruleset scores and one 0/1 series per rule, written atomically for the textfile collector', async () => {
    const file = join(out, 'textfile', 'llmsec-audit.prom')
    const args = ['audit', '--root', careless, '--ruleset', 'baseline', '--ruleset', 'hipaa']
    const run = await runCli([...args, '--format', 'prometheus', '--output', file])
    expect(run.exitCode).toBe(1)
    const text = await readFile(file, 'utf8')
    await expectValidMetrics(text)
    // Only the finished file is in the directory (the collector reads every *.prom file it finds).
    expect(await readdir(join(out, 'textfile'))).toEqual(['llmsec-audit.prom'])
    expect((await stat(file)).mode & 0o777).toBe(0o644)
    const json = await runCliJson<AuditReport>(args)
    const baseline = json.json.rulesets.find((r) => r.id === 'baseline')!
    expect(sampleValue(text, 'llmsec_audit_score{ruleset="baseline"}')).toBe(baseline.score)
    expect(sampleValue(text, 'llmsec_audit_overall_score')).toBe(json.json.score)
    const bind = 'llmsec_rule_failed{rule="inference-bind-loopback",severity="critical",ruleset="baseline"}'
    expect(sampleValue(text, bind)).toBe(1)
    expect(sampleValue(text, 'llmsec_rule_failed{rule="no-pickle-models",severity="high",ruleset="hipaa"}')).toBe(1)
    const ports = 'llmsec_rule_failed{rule="inference-ports-loopback",severity="high",ruleset="baseline"}'
    expect(sampleValue(text, ports)).toBe(0)
    const failed = text.split('\n').filter((l) => l.startsWith('llmsec_rule_failed{') && l.endsWith(' 1')).length
    const expected = json.json.rulesets.flatMap((r) => r.rules).filter((r) => ['fail', 'error'].includes(r.status))
    expect(failed).toBe(expected.length)
    expect(sampleValue(text, 'llmsec_audit_rules{status="fail"}')).toBe(json.json.summary.fail)
    const stamp = sampleValue(text, 'llmsec_last_run_timestamp_seconds{command="audit"}')!
    expect(Math.abs(stamp - Date.now() / 1000)).toBeLessThan(120)
    expect(sampleValue(text, 'llmsec_run_duration_seconds{command="audit"}')).toBeGreaterThan(0)
  })

  it('audit of a hardened root with every format from one run (--output-dir)', async () => {
    const hardened = await buildHardenedRoot()
    roots.push(hardened)
    const dir = join(out, 'all')
    const formats = ['json', 'prometheus', 'sarif'].flatMap((f) => ['--format', f])
    const run = await runCli([
      'audit',
      '--root',
      hardened,
      '--config',
      hardenedConfig(hardened),
      ...formats,
      '--output-dir',
      dir,
    ])
    expect(run.exitCode).toBe(0)
    const text = await readFile(join(dir, 'llmsec-audit.prom'), 'utf8')
    await expectValidMetrics(text)
    const json = JSON.parse(await readFile(join(dir, 'llmsec-audit.json'), 'utf8')) as AuditReport
    expect(sampleValue(text, 'llmsec_audit_score{ruleset="baseline"}')).toBe(json.score)
    expect(text).not.toMatch(/^llmsec_rule_failed\{.*\} 1$/m)
  })

  it('vulns: open vulnerabilities per severity', async () => {
    const vulnerable = await buildRoot(vulnRootSpec())
    roots.push(vulnerable)
    const run = await runCli(['vulns', '--root', vulnerable, '--format', 'prometheus'])
    expect(run.exitCode).toBe(1)
    await expectValidMetrics(`${run.stdout}\n`) // execa strips the final newline
    const json = await runCliJson<{summary: {bySeverity: Record<string, number>}}>(['vulns', '--root', vulnerable])
    for (const [severity, count] of Object.entries(json.json.summary.bySeverity))
      expect(sampleValue(run.stdout, `llmsec_vulnerabilities{severity="${severity}"}`), severity).toBe(count)
    expect(Object.values(json.json.summary.bySeverity).some((n) => n > 0)).toBe(true)
    expect(sampleValue(run.stdout, 'llmsec_last_run_timestamp_seconds{command="vulns"}')).toBeGreaterThan(0)
  })

  it('scan: unsafe model files and files per verdict over the scan fixtures', async () => {
    const fixtures = join(repoRoot, 'fixtures', 'scan')
    const file = join(out, 'textfile', 'llmsec-scan.prom')
    const run = await runCli(['scan', fixtures, '--format', 'prometheus', '--output', file])
    expect(run.exitCode).toBe(1)
    const text = await readFile(file, 'utf8')
    await expectValidMetrics(text)
    const json = await runCliJson<ScanResult>(['scan', fixtures])
    expect(json.json.summary.unsafe).toBeGreaterThan(0)
    expect(sampleValue(text, 'llmsec_unsafe_models')).toBe(json.json.summary.unsafe)
    for (const verdict of ['clean', 'unsafe', 'unknown', 'malformed'] as const)
      expect(sampleValue(text, `llmsec_model_files{verdict="${verdict}"}`)).toBe(json.json.summary[verdict])
    // The three commands' files can share one textfile directory: no series is repeated.
    const all = (await readdir(join(out, 'textfile'))).filter((f) => f.endsWith('.prom'))
    const texts = await Promise.all(all.map((f) => readFile(join(out, 'textfile', f), 'utf8')))
    expect(all.length).toBe(2)
    const series = texts
      .join('')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.slice(0, l.lastIndexOf(' ')))
    expect(new Set(series).size).toBe(series.length)
  })

  it('report: a fleet as one file with a host label per host', async () => {
    const a = join(out, 'a.json')
    await runCli(['audit', '--root', careless, '--host-name', 'gpu-a', '--format', 'json', '--output', a])
    const b = join(out, 'b.json')
    await runCli(['audit', '--root', careless, '--host-name', 'gpu-b', '--format', 'json', '--output', b])
    const run = await runCli(['report', a, b, '--format', 'prometheus'])
    expect(run.exitCode).toBe(0)
    await expectValidMetrics(`${run.stdout}\n`) // execa strips the final newline
    for (const [host, file] of [
      ['gpu-a', a],
      ['gpu-b', b],
    ]) {
      expect(sampleValue(run.stdout, `llmsec_audit_score{host="${host}",ruleset="baseline"}`)).toBeLessThan(50)
      // Each host's own run time, from its saved result: a fleet shows which host stopped reporting.
      const saved = JSON.parse(await readFile(file, 'utf8')) as AuditReport
      const finished = Math.floor((Date.parse(saved.startedAt!) + saved.durationMs!) / 1000)
      const series = `llmsec_last_run_timestamp_seconds{host="${host}",command="audit"}`
      expect(sampleValue(run.stdout, series)).toBe(finished)
    }
  })

  it('escapes any label value and help text so that no input adds a line or a sample', async () => {
    const values = fc.sample(fc.string({unit: 'grapheme', maxLength: 30}), 300)
    values.push('x"} 1\nllmsec_audit_score{ruleset="forged"} 100', 'back\\slash', '\n\n')
    const unique = [...new Set(values)]
    const text = renderExposition([
      {
        name: 'llmsec_test',
        help: 'help with \\ and\nnewline',
        samples: unique.map((v, i) => ({labels: {rule: v, n: String(i)}, value: i})),
      },
    ])
    expect(text.split('\n').length).toBe(unique.length + 3)
    expect(text).not.toMatch(/^llmsec_audit_score/m)
    await expectValidMetrics(text)
  })

  it('the alert rules pass promtool check rules and their unit tests (promtool test rules)', async () => {
    const dir = join(repoRoot, 'contrib', 'prometheus')
    const check = await promtool(['check', 'rules', 'alerts.yml'], {cwd: dir})
    expect(check.output).toMatch(/SUCCESS: 6 rules found/)
    expect(check.exitCode).toBe(0)
    const test = await promtool(['test', 'rules', 'alerts.test.yml'], {cwd: dir})
    expect(test.output).toMatch(/SUCCESS/)
    expect(test.exitCode).toBe(0)
  })
})
