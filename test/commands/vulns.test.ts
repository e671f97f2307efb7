import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {DbInfo, VulnFinding, VulnReport} from '../../src/vulns/index.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {buildRoot, removeRoot} from '../helpers/rootfs.js'
import {loadSarifValidator} from '../helpers/sample-report.js'
import {expectSchema} from '../helpers/schema.js'
import {UPGRADED, vulnRootSpec} from '../helpers/vuln-root.js'

const roots: string[] = []
let vulnerable = ''
let upgraded = ''
beforeAll(async () => {
  vulnerable = await buildRoot(vulnRootSpec())
  upgraded = await buildRoot(vulnRootSpec(UPGRADED))
  roots.push(vulnerable, upgraded)
})
afterAll(async () => {
  for (const root of roots) await removeRoot(root)
})

function byPackage(report: VulnReport): Map<string, VulnFinding> {
  return new Map(report.findings.map((f) => [f.package, f]))
}

describe('llmsec vulns --root', () => {
  it('reports torch, vllm, the container toolkit and the openssl security update with the service that uses them; exit 1', async () => {
    const run = await runCliJson<VulnReport>(['vulns', '--root', vulnerable])
    expect(run.exitCode).toBe(1)
    expectSchema('vulns', run.json)
    const found = byPackage(run.json)
    const vllmService = [{name: 'vllm.service', source: 'unit', listening: ['0.0.0.0:8000']}]
    expect(found.get('torch')).toMatchObject({
      installed: '2.5.1',
      fixedIn: '2.6.0',
      environment: '/opt/vllm/venv',
      services: vllmService,
    })
    expect(found.get('torch')!.ids).toContain('CVE-2025-32434')
    expect(found.get('vllm')).toMatchObject({installed: '0.8.4', fixedIn: '0.8.5', services: vllmService})
    expect(found.get('vllm')!.ids).toContain('CVE-2025-47277')
    expect(found.get('nvidia-container-toolkit')).toMatchObject({
      installed: '1.16.1',
      fixedIn: '1.17.8',
      severity: 'critical',
    })
    expect(found.get('nvidia-container-toolkit')!.ids).toEqual(
      expect.arrayContaining(['CVE-2024-0132', 'CVE-2025-23266']),
    )
    expect(found.get('openssl')).toMatchObject({
      kind: 'security-update',
      installed: '3.0.11-1~deb12u2',
      fixedIn: '3.0.15-1~deb12u1',
    })
    // numpy has no advisory and bash's newer version is not from the security suite.
    expect(found.has('numpy')).toBe(false)
    expect(found.has('bash')).toBe(false)
    expect(run.json.inventory.environments[0]).toMatchObject({
      path: '/opt/vllm/venv',
      packages: 3,
      services: vllmService,
    })
  })

  it('prints a table grouped by severity naming the service', async () => {
    const run = await runCli(['vulns', '--root', vulnerable, '--no-color'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/^CRITICAL \(3\)$/m)
    expect(run.stdout).toMatch(
      /vllm\s+0\.8\.4\s+0\.8\.5\s+GHSA-hjq4-87xh-g4fv CVE-2025-47277\s+\/opt\/vllm\/venv, used by vllm\.service \(listening on 0\.0\.0\.0:8000\)/,
    )
  })

  it('exits 0 once those versions are upgraded', async () => {
    const run = await runCliJson<VulnReport>(['vulns', '--root', upgraded])
    expect(run.json.findings).toEqual([])
    expect(run.exitCode).toBe(0)
  })

  it('--ignore silences an advisory id and --fail-on moves the gate', async () => {
    const ignore = ['CVE-2025-32434', 'CVE-2025-47277', 'CVE-2024-0132'].flatMap((id) => ['--ignore', id])
    const run = await runCliJson<VulnReport>(['vulns', '--root', vulnerable, ...ignore, '--fail-on', 'critical'])
    expect(run.json.summary.ignored).toBe(3)
    expect(run.json.findings.find((f) => f.package === 'vllm')?.ignored).toEqual({by: 'flag', reason: '--ignore'})
    expect(run.exitCode).toBe(0)
    expect((await runCli(['vulns', '--root', vulnerable, '--fail-on', 'none'])).exitCode).toBe(0)
  })

  it('a --root or --db that does not exist is a usage error (exit 2)', async () => {
    expect((await runCli(['vulns', '--root', '/nonexistent-root'])).exitCode).toBe(2)
    const run = await runCli(['vulns', '--root', vulnerable, '--db', '/nonexistent.zip'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/--db \/nonexistent\.zip does not exist/)
  })
})

describe('llmsec vulns --json --output', () => {
  it('writes the JSON result to the file, the same JSON stdout prints (not the table)', async () => {
    const out = join(vulnerable, 'vulns.json')
    const run = await runCli(['vulns', '--root', vulnerable, '--json', '--output', out])
    expect(run.exitCode).toBe(1)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(run.stdout))
  })
})

describe('llmsec vulns: SARIF and waivers', () => {
  it('writes valid SARIF 2.1.0 with a result per vulnerable package and ignored ones suppressed', async () => {
    const out = join(vulnerable, 'report.sarif')
    const run = await runCli([
      'vulns',
      '--root',
      vulnerable,
      '--format',
      'sarif',
      '--output',
      out,
      '--ignore',
      'CVE-2025-32434',
    ])
    expect(run.exitCode).toBe(1)
    const log = JSON.parse(readFileSync(out, 'utf8')) as {
      runs: {results: {ruleId: string; level: string; suppressions?: unknown[]; message: {text: string}}[]}[]
    }
    const validate = loadSarifValidator()
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true)
    const results = log.runs[0].results
    expect(results.map((r) => r.ruleId).sort()).toEqual(
      ['CVE-2024-0132', 'GHSA-53q9-r3pm-6pq6', 'GHSA-hjq4-87xh-g4fv', 'security-update', 'security-update'].sort(),
    )
    expect(results.find((r) => r.ruleId === 'GHSA-53q9-r3pm-6pq6')?.suppressions).toHaveLength(1)
    expect(results.find((r) => r.ruleId === 'GHSA-hjq4-87xh-g4fv')?.message.text).toMatch(/used by vllm\.service/)
  })

  it('applies the waivers file as the audit does (rule: the advisory id in lower case): active, expired, path-scoped', async () => {
    const file = join(vulnerable, 'waivers.yaml')
    // Created today and expiring within the 365 days a waiver may run, or long expired.
    const later = new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10)
    const today = new Date().toISOString().slice(0, 10)
    const waiver = (rule: string, expires: string, path?: string) =>
      `  - {rule: ${rule}, justification: tracked in OPS-1 until upgraded, approver: sec-team, created: '${expires === later ? today : '1999-06-01'}', expires: '${expires}'${path ? `, path: '${path}'` : ''}}`
    writeFileSync(
      file,
      [
        'waivers:',
        waiver('cve-2025-47277', later, '/opt/vllm/**'),
        waiver('cve-2025-32434', later, '/srv/**'),
        waiver('cve-2024-0132', '2000-01-01'),
        '',
      ].join('\n'),
    )
    const run = await runCliJson<VulnReport>(['vulns', '--root', vulnerable, '--waivers', file])
    const found = byPackage(run.json)
    expect(found.get('vllm')?.ignored).toEqual({
      by: 'waiver',
      reason: `tracked in OPS-1 until upgraded (approved by sec-team, expires ${later})`,
    })
    // A waiver scoped to another path, and an expired one, leave the finding standing.
    expect(found.get('torch')?.ignored).toBeUndefined()
    expect(found.get('nvidia-container-toolkit')?.ignored).toBeUndefined()
    expect(run.json.notes).toContainEqual(
      expect.objectContaining({code: 'waiver-expired', area: 'waivers', subject: 'cve-2024-0132'}),
    )
    expect(run.exitCode).toBe(1)
    expectSchema('vulns', run.json)
  })
})

describe('llmsec vulns db info', () => {
  it('says what is loaded and how old it is', async () => {
    const run = await runCliJson<DbInfo>(['vulns', 'db', 'info'])
    expect(run.exitCode).toBe(0)
    expect(run.json.sources[0]).toMatchObject({source: 'bundled'})
    expect(run.json.records).toBeGreaterThanOrEqual(10)
    expect(run.json.maxAgeDays).toBe(30)
  })
})
