import fc from 'fast-check'
import {beforeAll, describe, expect, it} from 'vitest'

import {loadRuleset, type ResolvedRuleset} from '../../../src/audit/index.js'
import {parseWaivers, waiverSettings} from '../../../src/audit/reports/index.js'
import {refuseCriticalWaivers} from '../../../src/audit/waiver-rules.js'
import {LlmsecError} from '../../../src/core/errors.js'

const NOW = new Date('2026-11-01T12:00:00Z')

/** One waiver in a file, every field overridable (undefined leaves a field out). */
function oneWaiver(fields: Record<string, string | undefined> = {}): string {
  const all: Record<string, string | undefined> = {
    rule: 'ssh-no-root-login',
    justification: 'break-glass console access, ticket SEC-142',
    approver: 'ciso@example.org',
    created: '2026-10-01',
    expires: '2027-03-31',
    ...fields,
  }
  const lines = Object.entries(all)
    .filter(([, v]) => v !== undefined)
    .map(([k, v], i) => `${i ? '    ' : '  - '}${k}: ${JSON.stringify(v)}`)
  return `# team waivers\nwaivers:\n${lines.join('\n')}\n`
}

/** The one-line usage error (exit 2) `run` refuses with, or null when it accepts. */
function refusalOf(run: () => unknown): string | null {
  try {
    run()
    return null
  } catch (error) {
    if (!(error instanceof LlmsecError)) throw error
    expect(error.exit).toBe(2)
    expect(error.message).not.toContain('\n')
    return error.message
  }
}

/** The one-line refusal of a waivers file (exit 2), or null when it is accepted. */
const refusal = (text: string, maxDays?: number) => refusalOf(() => parseWaivers(text, 'w.yaml', {now: NOW, maxDays}))

describe('waiver rules: each refusal has an accepted twin', () => {
  it('created is required, a calendar date, and not in the future', () => {
    expect(refusal(oneWaiver({created: undefined}))).toMatch(/^w\.yaml:3:5: waivers\.0\.created: missing required key/)
    expect(refusal(oneWaiver({created: '2026-02-30'}))).toBe(
      'w.yaml:6:14: waivers.0.created: 2026-02-30 is not a calendar date',
    )
    expect(refusal(oneWaiver({created: '2026-11-05', expires: '2026-12-01'}))).toBe(
      'w.yaml:6:14: waivers.0.created: 2026-11-05 is in the future (today is 2026-11-01, UTC)',
    )
    // One day of slack for time zones ahead of UTC; today and the past are fine.
    expect(refusal(oneWaiver({created: '2026-11-02', expires: '2026-12-01'}))).toBeNull()
    expect(refusal(oneWaiver({created: '2026-11-01', expires: '2026-12-01'}))).toBeNull()
    expect(refusal(oneWaiver())).toBeNull()
  })

  it('expires at most 365 days after created: 2999 is refused', () => {
    expect(refusal(oneWaiver({expires: '2999-12-31'}))).toBe(
      'w.yaml:7:14: waivers.0.expires: 2999-12-31 is 355472 days after created (2026-10-01); a waiver may run at most 365 days (waivers.maxDays); renew it with a new created date when it is reviewed',
    )
    expect(refusal(oneWaiver({created: '2026-01-01', expires: '2027-01-02'}))).toMatch(
      /^w\.yaml:7:14: waivers\.0\.expires: 2027-01-02 is 366 days after created/,
    )
    expect(refusal(oneWaiver({created: '2026-01-01', expires: '2027-01-01'}))).toBeNull()
    // Days, not calendar years: 2024 is a leap year, so 365 days after 2024-01-01 is 2024-12-31.
    expect(refusal(oneWaiver({created: '2024-01-01', expires: '2024-12-31'}))).toBeNull()
    expect(refusal(oneWaiver({created: '2024-01-01', expires: '2025-01-01'}))).toMatch(/366 days after created/)
    expect(refusal(oneWaiver({expires: '2026-09-30'}))).toBe(
      'w.yaml:7:14: waivers.0.expires: 2026-09-30 is before the waiver was created (2026-10-01)',
    )
    // An old waiver that ran its course is accepted (and reported as expired when applied).
    expect(refusal(oneWaiver({created: '2019-06-01', expires: '2020-01-01'}))).toBeNull()
  })

  it('a configured maximum is stricter; the config may not raise it above 365', () => {
    expect(refusal(oneWaiver({created: '2026-10-01', expires: '2026-12-31'}), 90)).toMatch(
      /is 91 days after created \(2026-10-01\); a waiver may run at most 90 days/,
    )
    expect(refusal(oneWaiver({created: '2026-10-01', expires: '2026-12-30'}), 90)).toBeNull()
    expect(waiverSettings({maxDays: 90}).maxDays).toBe(90)
    expect(waiverSettings(undefined).maxDays).toBe(365)
  })

  it('a justification has at least 20 characters, white space not counted', () => {
    expect(refusal(oneWaiver({justification: 'accepted, SEC-142.'}))).toBe(
      'w.yaml:4:20: waivers.0.justification: 18 characters; at least 20 are required (why the finding is accepted, and where it is tracked)',
    )
    expect(refusal(oneWaiver({justification: `     ok${' '.repeat(30)}`}))).toMatch(/2 characters; at least 20/)
    expect(refusal(oneWaiver({justification: 'accepted, see SEC-142'}))).toBeNull()
    expect(refusal(oneWaiver({justification: 'x'.repeat(20)}))).toBeNull()
  })

  it('an approver is required and not blank', () => {
    expect(refusal(oneWaiver({approver: undefined}))).toMatch(
      /^w\.yaml:3:5: waivers\.0\.approver: missing required key/,
    )
    expect(refusal(oneWaiver({approver: '   '}))).toBe(
      'w.yaml:5:15: waivers.0.approver: is blank; name who approved the waiver',
    )
  })

  it('property: any accepted waiver runs at most maxDays from a created date not after tomorrow', () => {
    const day = 86_400_000
    fc.assert(
      fc.property(
        fc.integer({min: -4000, max: 40}),
        fc.integer({min: -5, max: 800}),
        fc.integer({min: 1, max: 365}),
        (createdOffset, length, maxDays) => {
          const created = new Date(NOW.getTime() + createdOffset * day).toISOString().slice(0, 10)
          const expires = new Date(Date.parse(`${created}T00:00:00Z`) + length * day).toISOString().slice(0, 10)
          const accepted = refusal(oneWaiver({created, expires}), maxDays) === null
          expect(accepted).toBe(createdOffset <= 1 && length >= 0 && length <= maxDays)
        },
      ),
      {numRuns: 300},
    )
  })
})

describe('waivers of critical rules need consent', () => {
  let baseline: ResolvedRuleset
  let owasp: ResolvedRuleset
  beforeAll(async () => {
    baseline = await loadRuleset('baseline')
    owasp = await loadRuleset('owasp-llm-top10')
  })
  const file = (rule: string) => parseWaivers(oneWaiver({rule}), 'w.yaml', {now: NOW})

  const refused = (rule: string, rulesets: ResolvedRuleset[], consent = false) =>
    refusalOf(() => refuseCriticalWaivers(file(rule), rulesets, consent))

  it('refuses one without consent, naming file:line; accepts it with consent', () => {
    expect(baseline.rules.find((r) => r.id === 'inference-bind-loopback')?.severity).toBe('critical')
    expect(refused('inference-bind-loopback', [baseline])).toBe(
      'w.yaml:3: the waiver of inference-bind-loopback silences a critical rule (critical in baseline); refused without consent: pass --allow-critical-waivers or set waivers.allowCritical: true in the config',
    )
    expect(refused('baseline.inference-bind-loopback', [baseline])).toMatch(/^w\.yaml:3: the waiver of baseline\./)
    expect(refused('inference-bind-loopback', [baseline], true)).toBeNull()
    // A rule that is not critical needs no consent.
    expect(baseline.rules.find((r) => r.id === 'ssh-no-root-login')?.severity).not.toBe('critical')
    expect(refused('ssh-no-root-login', [baseline])).toBeNull()
  })

  it('a rule critical in any ruleset of the run is critical, whatever ruleset the waiver names', () => {
    expect(baseline.rules.find((r) => r.id === 'no-pickle-models')?.severity).not.toBe('critical')
    expect(refused('baseline.no-pickle-models', [baseline])).toBeNull()
    // owasp-llm-top10 rates it critical: the one distinct rule is critical, so baseline.x is refused too.
    expect(refused('baseline.no-pickle-models', [baseline, owasp])).toMatch(/critical in owasp-llm-top10\)/)
    expect(refused('no-pickle-models', [owasp])).toMatch(/critical in owasp-llm-top10\)/)
  })
})
