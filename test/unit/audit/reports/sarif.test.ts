import {describe, expect, it} from 'vitest'

import {mergeFleet, renderSarif} from '../../../../src/audit/reports/index.js'
import {loadSarifValidator, sampleReport} from '../../../helpers/sample-report.js'

interface SarifResult {
  ruleId: string
  level: string
  message: {text: string}
  locations: {physicalLocation?: {artifactLocation: {uri: string}}}[]
  suppressions?: {kind: string; justification: string}[]
}
interface SarifLog {
  version: string
  runs: {
    tool: {driver: {rules: {id: string; help: {text: string}; properties: Record<string, unknown>}[]}}
    results: SarifResult[]
    invocations: {toolConfigurationNotifications: {message: {text: string}}[]}[]
  }[]
}

const validate = loadSarifValidator()

describe('SARIF report', () => {
  it('is the same text as JSON.stringify of the log, whatever strings a result carries', () => {
    const report = sampleReport()
    // Text like the mark that stands for the rules list while a run is stringified.
    report.llmsecVersion = 'llmsec-rules-00000000-0000-0000-0000-000000000000'
    report.rules[0].evidence = ['"llmsec-rules-"', 'é ✓ \u0000']
    const text = renderSarif(report)
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`)
    const log = JSON.parse(text) as SarifLog
    expect(log.runs[0].tool.driver.rules.map((r) => r.id)).toEqual([...report.rules.map((r) => r.ruleId)].sort())
    expect(validate(log), JSON.stringify(validate.errors, null, 1)).toBe(true)
  })

  it('is valid SARIF 2.1.0 with rules, levels, locations and suppressions', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as SarifLog
    expect(validate(log), JSON.stringify(validate.errors, null, 1)).toBe(true)
    expect(log.version).toBe('2.1.0')
    const [run] = log.runs
    const rule = run.tool.driver.rules.find((r) => r.id === 'bind-loopback')
    expect(rule?.properties['security-severity']).toBe('9.5')
    expect(rule?.help.text).toContain('Fix bind-loopback.')
    const bind = run.results.find((r) => r.ruleId === 'bind-loopback')
    expect(bind?.level).toBe('error')
    expect(bind?.locations[0].physicalLocation?.artifactLocation.uri).toBe('etc/systemd/system/ollama.service')
    // The expired waiver leaves the failure, unsuppressed, and says so.
    expect(bind?.suppressions).toBeUndefined()
    expect(bind?.message.text).toContain('waiver expired on 2026-10-01')
    const ssh = run.results.find((r) => r.ruleId === 'ssh-root')
    expect(ssh?.suppressions?.[0].justification).toContain('break-glass console')
    expect(run.results.find((r) => r.ruleId === 'telemetry')?.level).toBe('note')
    expect(run.results.some((r) => r.ruleId === 'firewall')).toBe(false)
    const notes = run.invocations[0].toolConfigurationNotifications.map((n) => n.message.text).join('\n')
    expect(notes).toContain('no-such-rule matches nothing')
  })

  it('writes one run per host for a fleet', () => {
    const fleet = mergeFleet([
      {file: 'a.json', report: sampleReport('gpu-1')},
      {file: 'b.json', report: sampleReport('gpu-2')},
    ])
    const log = JSON.parse(renderSarif(fleet)) as SarifLog
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true)
    expect(log.runs).toHaveLength(2)
  })

  it('is rejected by the schema when broken (the validator is not vacuous)', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as {runs: {results: {level: string}[]}[]}
    log.runs[0].results[0].level = 'fatal'
    expect(validate(log)).toBe(false)
  })

  it('gives every result a physical location: the file under the root, or a stable virtual artifact', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as SarifLog
    const results = log.runs[0].results
    expect(results.length).toBeGreaterThan(2)
    for (const r of results) expect(r.locations[0].physicalLocation, r.ruleId).toBeDefined()
    const hostLevel = results.find((r) => r.ruleId === 'auditd')
    expect(hostLevel?.locations[0].physicalLocation?.artifactLocation.uri).toBe('llmsec-host/auditd')
  })

  it('sets automationDetails only from --sarif-category', () => {
    const plain = JSON.parse(renderSarif(sampleReport('runner-8f3a'))) as {runs: Record<string, unknown>[]}
    expect(plain.runs[0].automationDetails).toBeUndefined()
    const named = JSON.parse(renderSarif(sampleReport(), {category: 'llmsec/gpu'})) as {
      runs: {automationDetails: {id: string}}[]
    }
    expect(named.runs[0].automationDetails.id).toBe('llmsec/gpu/')
  })

  it('keeps the same fingerprints on a runner with another hostname, and tells hosts apart in a fleet', () => {
    type Printed = {runs: {results: {ruleId: string; partialFingerprints: Record<string, string>}[]}[]}
    const prints = (log: Printed, run = 0) =>
      log.runs[run].results.map((r) => `${r.ruleId}=${Object.values(r.partialFingerprints).join()}`)
    const a = JSON.parse(renderSarif(sampleReport('runner-1'))) as Printed
    const b = JSON.parse(renderSarif(sampleReport('runner-2'))) as Printed
    expect(prints(a)).toEqual(prints(b))
    const fleet = JSON.parse(
      renderSarif(
        mergeFleet([
          {file: 'a.json', report: sampleReport('gpu-1')},
          {file: 'b.json', report: sampleReport('gpu-2')},
        ]),
      ),
    ) as Printed
    expect(prints(fleet, 0)).not.toEqual(prints(fleet, 1))
  })
})
