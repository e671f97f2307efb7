import {describe, expect, it} from 'vitest'

import {mergeFleet, renderMarkdown} from '../../../../src/audit/reports/index.js'
import {sampleReport} from '../../../helpers/sample-report.js'

describe('Markdown report', () => {
  it('matches the snapshot', async () => {
    await expect(renderMarkdown(sampleReport())).toMatchFileSnapshot('__snapshots__/audit.md')
  })

  it('matches the fleet snapshot', async () => {
    const fleet = mergeFleet(
      [
        {file: 'a.json', report: sampleReport('gpu-1')},
        {file: 'b.json', report: sampleReport('gpu-2')},
      ],
      '0.1.0',
      new Date('2026-11-02T00:00:00Z'),
    )
    await expect(renderMarkdown(fleet)).toMatchFileSnapshot('__snapshots__/fleet.md')
  })

  it('escapes table cells so evidence cannot break the table', () => {
    const report = sampleReport()
    report.rules[0].evidence = ['a | b\nc <img src=x>']
    const md = renderMarkdown(report)
    expect(md).toContain('a \\| b<br>c &lt;img src=x&gt;')
  })
})
