import {createHash} from 'node:crypto'

import {describe, expect, it} from 'vitest'

import {mergeFleet, renderHtml} from '../../../../src/audit/reports/index.js'
import {sampleReport} from '../../../helpers/sample-report.js'

describe('HTML report', () => {
  it('escapes evidence from the audited host', () => {
    const report = sampleReport()
    report.rules[0].evidence = ['<script>alert(1)</script>', '" onmouseover="x']
    const html = renderHtml(report)
    expect(html).not.toContain('<script>alert(1)')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('&quot; onmouseover=&quot;x')
  })

  it('is self-contained: a CSP that forbids fetches and allows only its own script', () => {
    const html = renderHtml(sampleReport())
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(csp).toContain("default-src 'none'")
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? ''
    expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`)
    expect(html).not.toMatch(/<(link|img|iframe)\b/)
    expect(html).not.toMatch(/url\(/)
    expect(html.match(/<script/g)).toHaveLength(1)
  })

  it('shows gauge, charts, waivers, inventory and the run time', () => {
    const html = renderHtml(sampleReport())
    expect(html).toContain('data-score="20.0"')
    for (const id of ['family-chart', 'severity-chart', 'ruleset-chart', 'rules', 'inventory'])
      expect(html).toContain(`id="${id}"`)
    expect(html).toContain('data-waiver-state="expired"')
    expect(html).toContain('2026-11-01T10:00:00.000Z')
    expect(html).toContain('@media print')
  })

  it('renders a fleet with a host filter', () => {
    const html = renderHtml(
      mergeFleet([
        {file: 'a.json', report: sampleReport('gpu-1')},
        {file: 'b.json', report: sampleReport('gpu-2')},
      ]),
    )
    expect(html).toContain('id="filter-host"')
    expect(html).toContain('<option value="gpu-2">gpu-2</option>')
  })
})
