import {XMLParser} from 'fast-xml-parser'
import {describe, expect, it} from 'vitest'

import {mergeFleet, renderJunit} from '../../../../src/audit/reports/index.js'
import {sampleReport} from '../../../helpers/sample-report.js'

type Node = Record<string, unknown>
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
})

function parse(xml: string): {testsuites: Node & {testsuite: (Node & {testcase: Node[]})[]}} {
  return parser.parse(xml) as never
}

describe('JUnit report', () => {
  it('names test classes by ruleset, never by the runner, and keeps the host as a property', () => {
    const [suite] = parse(renderJunit(sampleReport('runner-8f3a'))).testsuites.testsuite
    expect(new Set(suite.testcase.map((c) => c.classname))).toEqual(new Set(['llmsec.baseline']))
    const props = (suite.properties as {property: {name: string; value: string}[]}).property
    expect(props.find((p) => p.name === 'host')?.value).toBe('runner-8f3a')
  })

  it('parses back: one testcase per rule, failures with evidence, skips with reasons, waived as skipped', () => {
    const xml = renderJunit(sampleReport())
    const doc = parse(xml)
    expect(doc.testsuites.tests).toBe('7')
    expect(doc.testsuites.failures).toBe('3')
    expect(doc.testsuites.errors).toBe('1')
    expect(doc.testsuites.skipped).toBe('2')
    const [suite] = doc.testsuites.testsuite
    const cases = new Map(suite.testcase.map((c) => [String(c.name).split(':')[0], c]))
    expect(cases.size).toBe(7)
    const bind = cases.get('bind-loopback') as {failure: Node & {'#text': string}}
    expect(bind.failure.type).toBe('critical')
    expect(bind.failure['#text']).toContain('saw: saw bind-loopback <b>&"quoted"</b>')
    expect(bind.failure['#text']).toContain('waiver expired on 2026-10-01')
    expect((cases.get('ssh-root') as {skipped: Node}).skipped.message).toContain(
      'waived until 2027-03-31 by ciso@example.org',
    )
    expect((cases.get('gpu-ecc') as {skipped: Node}).skipped.message).toBe('not applicable here')
    expect((cases.get('kernel') as {error: Node}).error.message).toBe('boom')
    expect(cases.get('firewall')).not.toHaveProperty('failure')
    expect(String(suite['system-out'])).toContain('no-such-rule matches nothing')
  })

  it('has a suite per host in a fleet report', () => {
    const fleet = mergeFleet([
      {file: 'a.json', report: sampleReport('gpu-1')},
      {file: 'b.json', report: sampleReport('gpu-1')},
    ])
    const doc = parse(renderJunit(fleet))
    expect(doc.testsuites.testsuite.map((s) => s.name)).toEqual(['gpu-1', 'gpu-1 (2)'])
    expect(doc.testsuites.failures).toBe('6')
  })
})
