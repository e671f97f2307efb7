import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {AuditResult, RuleResult} from '../../../src/audit/index.js'
import {applyWaivers, loadWaivers, parseWaivers, waiverSettings} from '../../../src/audit/reports/index.js'
import {LlmsecError} from '../../../src/core/errors.js'
import {auditOf} from '../../helpers/audit-results.js'

const NOW = new Date('2026-11-01T12:00:00Z')

function result(ruleId: string, status: RuleResult['status'], location?: string): RuleResult {
  return {
    ruleId,
    title: ruleId,
    status,
    severity: 'high',
    controls: {},
    evidence: [`${ruleId} ${status}`],
    remediation: 'fix',
    ...(location ? {location} : {}),
  }
}

function audit(results: RuleResult[], host = 'gpu-1'): AuditResult {
  return auditOf(results, 'baseline', {host})
}

function waiversText(...entries: Record<string, string>[]): string {
  const lines = ['waivers:']
  for (const entry of entries) {
    const fields = {
      justification: 'reverse proxy, SEC-142',
      approver: 'ciso@example.org',
      created: '2026-04-01',
      expires: '2027-03-31',
      ...entry,
    }
    lines.push(...Object.entries(fields).map(([k, v], i) => `${i ? '    ' : '  - '}${k}: ${v}`))
  }
  return `${lines.join('\n')}\n`
}

function errorOf(fn: () => unknown): LlmsecError {
  // A refusal is always an input error: one line, exit 2.
  try {
    fn()
  } catch (error) {
    if (error instanceof LlmsecError) {
      expect(error.exit).toBe(2)
      expect(error.message).not.toContain('\n')
      return error
    }
    throw error
  }
  throw new Error('no error thrown')
}

describe('waivers', () => {
  const base = () =>
    audit([result('bind', 'fail', '/etc/systemd/system/ollama.service'), result('ssh', 'fail'), result('fw', 'pass')])

  it('an active waiver waives the failure and restores the score', () => {
    const before = base()
    expect(before.score).toBe(33.3)
    const {audit: after, waivers} = applyWaivers(
      before,
      parseWaivers(waiversText({rule: 'baseline.ssh'}), 'w.yaml'),
      NOW,
    )
    const ssh = after.rules[1]
    expect(ssh.waived).toEqual({reason: 'reverse proxy, SEC-142', expires: '2027-03-31', by: 'ciso@example.org'})
    expect(ssh.status).toBe('waived')
    expect(after.summary.waived).toBe(1)
    expect(after.score).toBe(50)
    expect(after.summary.fail).toBe(1)
    expect(waivers.outcomes[0]).toMatchObject({state: 'active', matched: ['ssh'], line: 2})
    expect(before.rules[1].waived).toBeUndefined() // the input is not mutated
  })

  it('without waivers returns the audit itself, unchanged and not copied', () => {
    const before = base()
    const scored = JSON.stringify(before)
    for (const loaded of [null, {file: 'w.yaml', waivers: []}]) {
      const {audit: after, waivers} = applyWaivers(before, loaded, NOW)
      expect(after).toBe(before)
      expect(JSON.stringify(after)).toBe(scored)
      expect(waivers).toEqual({file: loaded?.file ?? null, today: '2026-11-01', outcomes: []})
    }
  })

  it('an expired waiver leaves the failure and says it expired', () => {
    const {audit: after, waivers} = applyWaivers(
      base(),
      parseWaivers(waiversText({rule: 'ssh', expires: '2026-10-31'}), 'w.yaml'),
      NOW,
    )
    const ssh = after.rules[1]
    expect(ssh.waived).toBeUndefined()
    expect(ssh.evidence.at(-1)).toBe(
      'waiver expired on 2026-10-31 (approved by ciso@example.org: reverse proxy, SEC-142)',
    )
    expect(after.score).toBe(33.3)
    expect(waivers.outcomes[0].state).toBe('expired')
  })

  it('holds through the whole expiry day (UTC)', () => {
    const {waivers} = applyWaivers(
      base(),
      parseWaivers(waiversText({rule: 'ssh', expires: '2026-11-01'}), 'w.yaml'),
      NOW,
    )
    expect(waivers.outcomes[0].state).toBe('active')
  })

  it('reports waivers that match nothing, or only passing rules', () => {
    const loaded = parseWaivers(
      waiversText(
        {rule: 'typo'},
        {rule: 'fw'},
        {rule: 'ssh', host: 'db-*'},
        {rule: 'baseline.bind', path: '/models/*'},
      ),
      'w.yaml',
    )
    const {waivers} = applyWaivers(base(), loaded, NOW)
    expect(waivers.outcomes.map((o) => o.state)).toEqual(['unmatched', 'unneeded', 'unmatched', 'unmatched'])
  })

  it('honours host and path globs', () => {
    const loaded = parseWaivers(
      waiversText({rule: 'bind', host: 'gpu-*', path: '/etc/systemd/system/*.service'}),
      'w.yaml',
    )
    const {audit: after} = applyWaivers(base(), loaded, NOW)
    expect(after.rules[0].waived).toBeDefined()
  })

  it('rejects malformed files with file:line:column', () => {
    expect(errorOf(() => parseWaivers('waivers:\n  - rule: [x\n', 'w.yaml')).message).toMatch(
      /^w\.yaml:\d+:\d+: YAML syntax error/,
    )
    const missing = errorOf(() =>
      parseWaivers(
        'waivers:\n  - rule: ssh\n    justification: why not, ticket SEC-1\n    approver: me\n    created: 2026-10-01\n',
        'w.yaml',
      ),
    )
    expect(missing.message).toMatch(/^w\.yaml:2:5: waivers\.0\.expires: missing required key/)
    expect(missing.exit).toBe(2)
    const badDate = errorOf(() => parseWaivers(waiversText({rule: 'ssh', expires: '2027-02-30'}), 'w.yaml'))
    expect(badDate.message).toBe('w.yaml:5:14: waivers.0.expires: 2027-02-30 is not a calendar date')
    expect(errorOf(() => parseWaivers(waiversText({rule: 'ssh', extra: 'x'}), 'w.yaml')).message).toMatch(
      /^w\.yaml:7:5: waivers\.0\.extra: unknown key/,
    )
  })

  it("uses the working directory's file only with waivers.autoload; a named file must exist", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llmsec-waivers-'))
    const cwd = process.cwd()
    try {
      process.chdir(dir)
      expect(await loadWaivers(undefined, waiverSettings(undefined), NOW)).toEqual({waivers: null})
      await writeFile(join(dir, '.llmsec-waivers.yaml'), waiversText({rule: 'ssh'}))
      // Present but not consented to: not used, and the run says so.
      const unused = await loadWaivers(undefined, waiverSettings({}), NOW)
      expect(unused.waivers).toBeNull()
      expect(unused.note).toBe(
        '.llmsec-waivers.yaml in the working directory is not used: pass --waivers .llmsec-waivers.yaml or set waivers.autoload: true in the config',
      )
      expect((await loadWaivers(undefined, waiverSettings({autoload: true}), NOW)).waivers?.waivers).toHaveLength(1)
      expect((await loadWaivers('.llmsec-waivers.yaml', waiverSettings({}), NOW)).waivers?.waivers).toHaveLength(1)
      // A file named by the config is the config's choice (the older string form too).
      await writeFile(join(dir, 'team.yaml'), waiversText({rule: 'fw'}, {rule: 'ssh'}))
      expect((await loadWaivers(undefined, waiverSettings('team.yaml'), NOW)).waivers?.waivers).toHaveLength(2)
      expect((await loadWaivers(undefined, waiverSettings({file: 'team.yaml'}), NOW)).waivers?.waivers).toHaveLength(2)
      await expect(loadWaivers(join(dir, 'nope.yaml'), waiverSettings({}), NOW)).rejects.toThrow(/does not exist/)
    } finally {
      process.chdir(cwd)
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('never throws anything but an LlmsecError on arbitrary input (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({maxLength: 200}),
          fc.jsonValue().map((v) => JSON.stringify({waivers: [v]})),
        ),
        (text) => {
          try {
            parseWaivers(text, 'fuzz.yaml')
          } catch (error) {
            expect(error).toBeInstanceOf(LlmsecError)
          }
        },
      ),
      {numRuns: 300},
    )
  })
})
