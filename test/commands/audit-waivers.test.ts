import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditReport} from '../../src/audit/reports/index.js'
import {rulesOf} from '../helpers/audit-results.js'
import {buildCarelessRoot} from '../helpers/audit-roots.js'
import {runCli, type CliRun} from '../helpers/cli.js'
import {removeRoot} from '../helpers/rootfs.js'

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

/** A waivers file of one waiver (inference-bind-loopback is critical in baseline, ssh-no-root-login high). */
function waiverFile(rule: string, fields: {created?: string; expires?: string; justification?: string} = {}) {
  return [
    'waivers:',
    `  - rule: ${rule}`,
    `    justification: ${fields.justification ?? 'reverse proxy with mTLS in front, SEC-150'}`,
    '    approver: ciso@example.org',
    `    created: ${fields.created ?? day(0)}`,
    `    expires: ${fields.expires ?? day(90)}`,
    '',
  ].join('\n')
}

const RULES = ['--rule', 'inference-bind-loopback', '--rule', 'ssh-no-root-login']

describe('llmsec audit: waivers an auditor can rely on', () => {
  let root: string
  let dir: string
  beforeAll(async () => {
    root = await buildCarelessRoot()
    dir = await mkdtemp(join(tmpdir(), 'llmsec-waivers-cmd-'))
  })
  afterAll(async () => {
    await removeRoot(root)
    await rm(dir, {recursive: true, force: true})
  })

  async function audit(name: string, text: string | null, extra: string[] = [], cwd?: string): Promise<CliRun> {
    const file = join(dir, name)
    if (text !== null) await writeFile(file, text)
    const waivers = text === null ? [] : ['--waivers', file]
    return runCli(['audit', '--root', root, ...RULES, ...waivers, '--format', 'json', ...extra], cwd ? {cwd} : {})
  }

  /** A refusal: exit 2, nothing on stdout, exactly one line on stderr. */
  function expectRefused(run: CliRun): string {
    expect(run.exitCode, run.stderr).toBe(2)
    const lines = run.stderr.trim().split('\n')
    expect(lines, run.stderr).toHaveLength(1)
    return lines[0]
  }

  it('refuses a waiver of a critical rule without consent, with one line naming file:line (exit 2)', async () => {
    const run = await audit('critical.yaml', waiverFile('baseline.inference-bind-loopback'))
    expect(expectRefused(run)).toBe(
      `llmsec: ${join(dir, 'critical.yaml')}:2: the waiver of baseline.inference-bind-loopback silences a critical rule (critical in baseline); refused without consent: pass --allow-critical-waivers or set waivers.allowCritical: true in the config`,
    )
    expect(run.stdout).toBe('')
  })

  it('twin: with --allow-critical-waivers, or the config consenting, the critical failure is waived with its text and expiry', async () => {
    const text = waiverFile('inference-bind-loopback')
    const before = await audit('none.yaml', null)
    const flag = await audit('critical-ok.yaml', text, ['--allow-critical-waivers'])
    expect(flag.exitCode, flag.stderr).toBe(1) // ssh-no-root-login (high) still fails
    const report = JSON.parse(flag.stdout) as AuditReport
    const bind = rulesOf(report).get('inference-bind-loopback')
    expect(bind?.status).toBe('waived')
    expect(bind?.waived).toEqual({
      reason: 'reverse proxy with mTLS in front, SEC-150',
      expires: day(90),
      by: 'ciso@example.org',
    })
    expect(report.waivers?.outcomes[0]).toMatchObject({state: 'active', created: day(0), line: 2})
    const unwaived = JSON.parse(before.stdout) as AuditReport
    expect(report.summary).toMatchObject({fail: unwaived.summary.fail - 1, waived: 1})

    const config = join(dir, 'consent.yaml')
    await writeFile(config, `waivers:\n  file: ${join(dir, 'critical-ok.yaml')}\n  allowCritical: true\n`)
    const viaConfig = await runCli(['audit', '--root', root, ...RULES, '--format', 'json', '--config', config])
    expect(viaConfig.exitCode, viaConfig.stderr).toBe(1)
    expect(rulesOf(JSON.parse(viaConfig.stdout) as AuditReport).get('inference-bind-loopback')?.status).toBe('waived')
  })

  it('refuses a waiver expiring in 2999, and one running past the configured maximum (exit 2, file:line:column)', async () => {
    const far = await audit('far.yaml', waiverFile('ssh-no-root-login', {expires: '2999-12-31'}))
    expect(expectRefused(far)).toMatch(
      new RegExp(
        `^llmsec: ${join(dir, 'far.yaml')}:6:14: waivers\\.0\\.expires: 2999-12-31 is \\d+ days after created \\(${day(0)}\\); a waiver may run at most 365 days`,
      ),
    )
    const config = join(dir, 'max30.yaml')
    await writeFile(config, 'waivers: {maxDays: 30}\n')
    const strict = await audit('ninety.yaml', waiverFile('ssh-no-root-login'), ['--config', config])
    expect(expectRefused(strict)).toMatch(/waivers\.0\.expires: \S+ is 90 days after created .* at most 30 days/)
    // A config may not lift the maximum.
    await writeFile(config, 'waivers: {maxDays: 3650}\n')
    expect(expectRefused(await audit('ninety.yaml', waiverFile('ssh-no-root-login'), ['--config', config]))).toMatch(
      /max30\.yaml:1:\d+: waivers\.maxDays: must be <= 365/,
    )
  })

  it('refuses a created date in the future, a missing one, and a short justification', async () => {
    const future = await audit('future.yaml', waiverFile('ssh-no-root-login', {created: day(30), expires: day(60)}))
    expect(expectRefused(future)).toMatch(/:5:14: waivers\.0\.created: \S+ is in the future/)
    const missing = await audit('missing.yaml', waiverFile('ssh-no-root-login').replace(/ {4}created: .*\n/, ''))
    expect(expectRefused(missing)).toMatch(/:2:5: waivers\.0\.created: missing required key/)
    const short = await audit('short.yaml', waiverFile('ssh-no-root-login', {justification: 'accepted risk'}))
    expect(expectRefused(short)).toMatch(/:3:20: waivers\.0\.justification: 13 characters; at least 20 are required/)
  })

  it('twin: a valid high waiver is applied; an expired one no longer applies and is reported', async () => {
    const ok = await audit('ok.yaml', waiverFile('ssh-no-root-login'))
    expect(ok.exitCode, ok.stderr).toBe(1) // the critical bind failure stands
    expect(rulesOf(JSON.parse(ok.stdout) as AuditReport).get('ssh-no-root-login')?.status).toBe('waived')
    const old = await audit('old.yaml', waiverFile('ssh-no-root-login', {created: '2019-06-01', expires: '2020-01-01'}))
    expect(old.exitCode, old.stderr).toBe(1)
    const report = JSON.parse(old.stdout) as AuditReport
    const ssh = rulesOf(report).get('ssh-no-root-login')
    expect(ssh?.status).toBe('fail')
    expect(ssh?.evidence.join('\n')).toContain('waiver expired on 2020-01-01')
    expect(report.waivers?.outcomes[0].state).toBe('expired')
  })

  it("uses the working directory's .llmsec-waivers.yaml only with waivers.autoload: true", async () => {
    const cwd = await mkdtemp(join(dir, 'cwd-'))
    await writeFile(join(cwd, '.llmsec-waivers.yaml'), waiverFile('ssh-no-root-login'))
    const empty = join(dir, 'empty-config.yaml')
    await writeFile(empty, 'rulesets: [baseline]\n')
    const unused = await audit('-', null, ['--config', empty], cwd)
    expect(unused.stderr).toContain('llmsec: warning: .llmsec-waivers.yaml in the working directory is not used')
    expect(rulesOf(JSON.parse(unused.stdout) as AuditReport).get('ssh-no-root-login')?.status).toBe('fail')
    const autoload = join(dir, 'autoload.yaml')
    await writeFile(autoload, 'waivers: {autoload: true}\n')
    const used = await audit('-', null, ['--config', autoload], cwd)
    expect(rulesOf(JSON.parse(used.stdout) as AuditReport).get('ssh-no-root-login')?.status).toBe('waived')
  })
})
