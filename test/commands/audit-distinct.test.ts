import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult} from '../../src/audit/index.js'
import {scoreResults} from '../../src/audit/score.js'
import {buildCarelessRoot} from '../helpers/audit-roots.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {addToRoot, removeRoot} from '../helpers/rootfs.js'

describe('llmsec audit --ruleset all: one host, one set of rules', () => {
  let careless: string
  let out: string
  beforeAll(async () => {
    careless = await buildCarelessRoot()
    await addToRoot(careless, {'/etc/hostname': 'gpu-image-7\n'})
    out = await mkdtemp(join(tmpdir(), 'llmsec-distinct-'))
  })
  afterAll(async () => {
    await removeRoot(careless)
    await rm(out, {recursive: true, force: true})
  })

  it('reports each distinct rule once, with every framework’s controls, in every format', async () => {
    const run = await runCliJson<AuditResult>(['audit', '--root', careless, '--ruleset', 'all', '--fail-on', 'none'])
    const {rules, rulesets} = run.json
    const ids = rules.map((r) => r.ruleId)
    expect(new Set(ids).size).toBe(ids.length)
    expect(rulesets.length).toBe(7)
    // The view copies sum to far more than the distinct rules: shared rules count once.
    expect(rulesets.reduce((n, rs) => n + rs.rules.length, 0)).toBeGreaterThan(2 * rules.length)
    const bind = rules.find((r) => r.ruleId === 'inference-bind-loopback')!
    expect(bind.status).toBe('fail')
    expect(bind.rulesets).toEqual(expect.arrayContaining(['baseline', 'hipaa', 'pci-dss', 'gdpr']))
    expect(Object.keys(bind.controls)).toEqual(expect.arrayContaining(['hipaa', 'pci-dss', 'nist-800-53']))
    const failures = rules.filter((r) => r.status === 'fail').length
    expect(run.json.summary.fail).toBe(failures)
    const headline = run.json.headline!
    expect(Object.values(headline.failures).reduce((a, b) => a + b, 0)).toBe(failures + run.json.summary.error)
    expect(headline.total).toBe(rules.length)

    const table = await runCli(['audit', '--root', careless, '--ruleset', 'all', '--fail-on', 'none'])
    expect(table.stdout.match(/^ {2}✗ /gm)?.length).toBe(failures)
    expect(table.stdout.match(/^ {2}✗ \S*inference-bind-loopback\S* /gm)?.length).toBe(1)

    await runCli([
      'audit',
      '--root',
      careless,
      '--ruleset',
      'all',
      '--fail-on',
      'none',
      '--output-dir',
      out,
      '--format',
      'sarif',
      '--format',
      'junit',
      '--format',
      'markdown',
    ])
    const sarif = JSON.parse(await readFile(join(out, 'llmsec-audit.sarif'), 'utf8')) as {
      runs: {results: {ruleId: string}[]}[]
    }
    const sarifIds = sarif.runs[0].results.map((r) => r.ruleId)
    expect(sarifIds.length).toBe(failures)
    expect(new Set(sarifIds).size).toBe(failures)
    const junit = await readFile(join(out, 'llmsec-audit.junit.xml'), 'utf8')
    expect(junit.match(/<testcase /g)?.length).toBe(rules.length)
    expect(junit.match(/<failure /g)?.length).toBe(failures)
    const md = await readFile(join(out, 'llmsec-audit.md'), 'utf8')
    expect(md.match(/`inference-bind-loopback`/g)?.length).toBe(1)
  })

  it('scores each framework view over its own rules, and the whole audit over the distinct rules', async () => {
    const {json} = await runCliJson<AuditResult>(['audit', '--root', careless, '--ruleset', 'all', '--fail-on', 'none'])
    for (const view of json.rulesets) {
      expect(view.score, view.id).toBe(scoreResults(view.rules, view.criticalCap))
      expect(view.headline?.total, view.id).toBe(view.rules.length)
    }
    expect(json.score).toBe(scoreResults(json.rules))
    // A critical failure (inference-bind-loopback) caps every view that has it at 40.
    for (const view of json.rulesets.filter((v) => v.rules.some((r) => r.ruleId === 'inference-bind-loopback')))
      expect(view.score, view.id).toBeLessThanOrEqual(40)
  })

  it('evaluates a rule with different parameters per ruleset once per parameter set and reports the worst', async () => {
    const {json} = await runCliJson<AuditResult>([
      'audit',
      '--root',
      careless,
      '--ruleset',
      'baseline',
      '--ruleset',
      'pci-dss',
      '--fail-on',
      'none',
    ])
    const retention = json.rules.filter((r) => r.ruleId === 'log-retention-configured')
    expect(retention).toHaveLength(1)
    expect(retention[0].status).toBe('fail')
    expect(retention[0].evidence.some((line) => line.startsWith('pci-dss: '))).toBe(true)
    expect(retention[0].evidence.some((line) => line.startsWith('baseline: '))).toBe(true)
  })

  it('names the image, not the auditing machine: /etc/hostname and os-release of --root, or --host-name', async () => {
    const image = await runCliJson<AuditResult>(['audit', '--root', careless, '--fail-on', 'none'])
    expect(image.json.host).toBe('gpu-image-7')
    expect(image.json.os).toBe('Debian GNU/Linux 12 (bookworm)')
    const named = await runCliJson<AuditResult>([
      'audit',
      '--root',
      careless,
      '--fail-on',
      'none',
      '--host-name',
      'db-7',
    ])
    expect(named.json.host).toBe('db-7')
    const dir = join(out, 'host')
    const text = await runCli([
      'audit',
      '--root',
      careless,
      '--fail-on',
      'none',
      '--output-dir',
      dir,
      '--format',
      'table',
      '--format',
      'json',
      '--format',
      'sarif',
      '--format',
      'junit',
      '--format',
      'markdown',
      '--format',
      'html',
    ])
    expect(text.exitCode, text.stderr).toBe(0)
    for (const ext of ['txt', 'json', 'sarif', 'junit.xml', 'md', 'html']) {
      const body = await readFile(join(dir, `llmsec-audit.${ext}`), 'utf8')
      expect(body, ext).toContain('gpu-image-7')
      expect(body, ext).toContain('Debian GNU/Linux 12')
      if (hostname().length > 3) expect(body, ext).not.toContain(hostname())
    }
  })
})
