import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult, RuleResult} from '../../src/audit/index.js'
import {rulesOf} from '../helpers/audit-results.js'
import {buildCarelessRoot, buildHardenedRoot, CARELESS_FAILURES, hardenedConfig} from '../helpers/audit-roots.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {removeRoot} from '../helpers/rootfs.js'
import {loadDocSchema} from '../helpers/schema.js'

// docs/json/audit.schema.json, with formats (startedAt is a date-time).
const validate = loadDocSchema('audit')

const WALK_RULES = ['files-world-writable', 'dirs-world-writable-sticky', 'files-unowned']

function resultsOf(json: AuditResult, ruleset = 'baseline'): Map<string, RuleResult> {
  return rulesOf(json, ruleset)
}

describe('llmsec audit --root (end to end)', () => {
  let careless: string
  let hardened: string
  beforeAll(async () => {
    careless = await buildCarelessRoot()
    hardened = await buildHardenedRoot()
  })
  afterAll(async () => {
    await removeRoot(careless)
    await removeRoot(hardened)
  })

  it('scores a careless LLM host ≤ 40 and fails the expected rules with control mappings', async () => {
    const run = await runCliJson<AuditResult>(['audit', '--root', careless, '--ruleset', 'all'])
    expect(validate(run.json), JSON.stringify(validate.errors)).toBe(true)
    expect(run.exitCode).toBe(1)
    expect(run.json.score).toBeLessThanOrEqual(40)
    expect(run.json.rulesets.map((r) => r.id).sort()).toEqual([
      'baseline',
      'fedramp-moderate',
      'gdpr',
      'hipaa',
      'owasp-llm-top10',
      'pci-dss',
      'sox',
    ])
    const baseline = resultsOf(run.json)
    for (const id of CARELESS_FAILURES) expect(baseline.get(id)?.status, id).toBe('fail')
    expect(baseline.get('inference-bind-loopback')?.evidence.join(' ')).toContain('0.0.0.0')
    expect(baseline.get('inference-bind-loopback')?.location).toBe('/etc/systemd/system/ollama.service')
    expect(baseline.get('secret-files-private')?.evidence.join(' ')).toContain('/home/alice/.cache/huggingface/token')
    const hipaa = resultsOf(run.json, 'hipaa')
    expect(hipaa.get('auditd-active')?.controls.hipaa).toContain('164.312(b)')
    expect(resultsOf(run.json, 'pci-dss').get('firewall-configured')?.controls['pci-dss']).toContain('1.3.1')
    expect(resultsOf(run.json, 'owasp-llm-top10').get('no-pickle-models')?.controls['owasp-llm']).toEqual([
      'LLM03:2025',
    ])
    // Live checks cannot run against a root filesystem: not applicable, with the reason.
    const live = baseline.get('firewall-default-deny')
    expect(live?.status).toBe('not-applicable')
    expect(live?.reason).toMatch(/--root/)
  })

  it('exits 1 with --fail-under 80 on the careless root even with --fail-on none', async () => {
    const run = await runCli(['audit', '--root', careless, '--fail-under', '80', '--fail-on', 'none'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout.split('\n')[0]).toMatch(/^Score \d+\.\d\/100 /)
    expect(run.stdout).toMatch(/CRITICAL \(1 failed\)[\s\S]*inference-bind-loopback/)
    expect(run.stdout).toMatch(/fix: /)
  })

  it('scores a hardened host ≥ 90 on every built-in ruleset and exits 0', async () => {
    const args = ['--ruleset', 'all', '--fail-under', '90', '--config', hardenedConfig(hardened)]
    const run = await runCliJson<AuditResult>(['audit', '--root', hardened, ...args])
    expect(validate(run.json), JSON.stringify(validate.errors)).toBe(true)
    for (const rs of run.json.rulesets) expect(rs.score, rs.id).toBeGreaterThanOrEqual(90)
    expect(run.json.summary.fail).toBe(0)
    expect(run.exitCode).toBe(0)
    // The walk rules give no credit without --walk.
    for (const id of WALK_RULES) expect(resultsOf(run.json).get(id)?.status, id).toBe('not-applicable')
    expect(run.json.walk).toBe(false)
  })

  it('with --walk, judges every file of the root: the hardened root passes, the careless one fails', async () => {
    const walk = ['--walk', '--ruleset', 'baseline', ...WALK_RULES.flatMap((id) => ['--rule', id])]
    const good = await runCliJson<AuditResult>(['audit', '--root', hardened, ...walk])
    expect(validate(good.json), JSON.stringify(validate.errors)).toBe(true)
    expect(good.json.walk).toBe(true)
    expect(Object.fromEntries(good.json.rules.map((r) => [r.ruleId, r.status]))).toEqual(
      Object.fromEntries(WALK_RULES.map((id) => [id, 'pass'])),
    )
    expect(resultsOf(good.json).get('dirs-world-writable-sticky')?.evidence[0]).toMatch(
      /, 2 others may write with the sticky bit/,
    )
    const bad = resultsOf(
      (await runCliJson<AuditResult>(['audit', '--root', careless, ...walk, '--fail-on', 'none'])).json,
    )
    expect(bad.get('files-world-writable')?.evidence.slice(0, 2)).toEqual([
      '1 world-writable regular files; the first 1:',
      '/srv/models/llama-ft/pytorch_model.bin (0666)',
    ])
    expect(bad.get('dirs-world-writable-sticky')?.status).toBe('fail')
    expect(bad.get('files-unowned')?.status).toBe('pass')
  })
})

describe('llmsec audit on this machine', () => {
  it('finishes, prints a score first and explains every rule that does not apply', async () => {
    const run = await runCli(['audit', '--fail-on', 'none'])
    expect(run.exitCode).toBe(0)
    const [headline, where] = run.stdout.split('\n')
    expect(headline).toMatch(/^Score \d+\.\d\/100 · \d+\/\d+ rules applicable · /)
    expect(where).toMatch(/^ +\(host /)
    const json = await runCliJson<AuditResult>(['audit', '--fail-on', 'none'])
    expect(validate(json.json), JSON.stringify(validate.errors)).toBe(true)
    for (const result of json.json.rules.filter((r) => r.status === 'not-applicable')) {
      expect(result.reason, result.ruleId).toMatch(/\w{4,}/)
      expect(run.stdout).toContain(result.ruleId)
    }
    expect(run.stdout).toMatch(/\d+ passed, \d+ failed, \d+ errors, \d+ waived, \d+ not applicable/)
  })
})
