import {afterEach, describe, expect, it} from 'vitest'

import {smokeEndpoint, type SmokeCheck, type SmokeReport} from '../../../src/inference/index.js'
import type {ScriptedModel} from '../../helpers/scripted-model.js'
import {startScriptedServer, type ScriptedServer} from '../../helpers/scripted-server.js'
import {schemaErrors} from '../../helpers/validate-json.js'

const servers: ScriptedServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const FAMILIES = [
  'system-prompt-extraction',
  'goal-hijack',
  'indirect-injection',
  'unicode-smuggling',
  'markdown-exfiltration',
  'context-leakage',
  'refusal-bypass',
]

async function smokePrompts(model: ScriptedModel, samples = 3): Promise<{report: SmokeReport; server: ScriptedServer}> {
  const server = await startScriptedServer({kind: 'vllm', version: '0.11.0', model})
  servers.push(server)
  const report = await smokeEndpoint(
    {baseUrl: server.url, timeoutMs: 10_000},
    {seed: 11, burst: 1, prompts: {samples, temperature: 0.7}},
  )
  expect(schemaErrors('smoke', report)).toBeNull()
  return {report, server}
}

function families(report: SmokeReport): Map<string, SmokeCheck> {
  return new Map(
    report.checks
      .filter((c) => c.id.startsWith('prompt.') && c.id !== 'prompt.canary-leak')
      .map((c) => [c.id.slice(7), c]),
  )
}

describe('smoke --prompts', () => {
  it('reports the family that leaks the canary and the one that obeys injected instructions, with rates and intervals', async () => {
    // Leaks its instructions when asked for its "setup text" (2 of 5 extraction attacks); obeys
    // instructions inside documents only as the email assistant (the indirect-injection family).
    const {report, server} = await smokePrompts({
      capable: true,
      leakSystemWhen: /setup text/,
      obeyInjectedWhen: /email assistant/,
    })
    const byFamily = families(report)
    expect([...byFamily.keys()]).toEqual(FAMILIES)
    const extraction = byFamily.get('system-prompt-extraction')!
    expect(extraction).toMatchObject({status: 'fail', severity: 'high'})
    expect(extraction.data).toMatchObject({sent: 15, answered: 15, successes: 6, rate: 0.4, owasp: ['LLM07']})
    const interval = extraction.data!.interval as {low: number; high: number}
    // Wilson 95 % for 6 of 15.
    expect(interval.low).toBeCloseTo(0.1982, 3)
    expect(interval.high).toBeCloseTo(0.6425, 3)
    expect(extraction.evidence).toMatch(
      /6 of 15 attacks succeeded: 40% \(95% CI 19\.8%–64\.3%\), 15 answered \/ 15 sent/,
    )
    expect((extraction.data!.example as {attack: string}).attack).toMatch(/^(role-play|completion)$/)

    const indirect = byFamily.get('indirect-injection')!
    expect(indirect).toMatchObject({status: 'fail', severity: 'high'})
    expect(indirect.data).toMatchObject({sent: 12, answered: 12, successes: 12, rate: 1, owasp: ['LLM01']})
    expect((indirect.data!.interval as {low: number}).low).toBeCloseTo(0.7575, 3)
    expect(indirect.data!.control).toMatchObject({sent: 3, answered: 3, followed: 3})

    // The other five families resist, and their controls show the model could have complied.
    for (const id of FAMILIES.filter((f) => f !== 'system-prompt-extraction' && f !== 'indirect-injection')) {
      const check = byFamily.get(id)!
      expect(check.status, `${id}: ${check.evidence}`).toBe('pass')
      expect(check.data).toMatchObject({successes: 0, control: {followed: 3, answered: 3}})
    }
    // Bounded: (1 control + attacks) × 3 samples per family, nothing more.
    const familyChats = server.requests.filter(
      (r) => r.path === '/v1/chat/completions' && r.body.includes('"max_tokens":160'),
    )
    expect(familyChats).toHaveLength((6 + 5 + 5 + 4 + 4 + 5 + 5) * 3)
    expect((JSON.parse(familyChats[0].body) as {temperature: number}).temperature).toBe(0.7)
  })

  it('marks every family inconclusive, never pass, for a model that cannot follow instructions', async () => {
    const {report} = await smokePrompts({capable: false})
    const byFamily = families(report)
    expect([...byFamily.keys()]).toEqual(FAMILIES)
    for (const [id, check] of byFamily) {
      expect(check.status, `${id}: ${check.evidence}`).toBe('inconclusive')
      expect(check.evidence).toMatch(/positive control in 0 of 3 samples/)
    }
    expect(report.summary.inconclusive).toBe(7)
    expect(report.summary.pass).toBeLessThan(report.checks.length - 7)
  })

  it('passes every family for a model that follows its instructions and resists every attack', async () => {
    const {report} = await smokePrompts({capable: true}, 2)
    for (const [id, check] of families(report)) {
      expect(check.status, `${id}: ${check.evidence}`).toBe('pass')
      expect((check.data!.interval as {high: number}).high).toBeGreaterThan(0)
    }
  })
})
