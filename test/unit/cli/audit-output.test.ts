import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {emitReports, planOutputs, renderTableReport} from '../../../src/cli/audit-output.js'
import {createStyle} from '../../../src/cli/style.js'
import {sampleReport} from '../../helpers/sample-report.js'

describe('report outputs', () => {
  it('plans stdout, one file, or one file per format', () => {
    expect(planOutputs({}, false)).toEqual({formats: ['table'], targets: [null]})
    expect(planOutputs({format: ['sarif'], output: 'x.sarif'}, false).targets[0]).toMatch(/\/x\.sarif$/)
    const many = planOutputs({format: ['json', 'junit', 'json'], 'output-dir': 'out'}, false)
    expect(many.formats).toEqual(['json', 'junit'])
    expect(many.targets.map((t) => t?.split('/').pop())).toEqual(['llmsec-audit.json', 'llmsec-audit.junit.xml'])
  })

  it('rejects ambiguous combinations', () => {
    expect(() => planOutputs({format: ['json', 'html']}, false)).toThrow(/need --output-dir/)
    expect(() => planOutputs({format: ['json'], output: 'a', 'output-dir': 'b'}, false)).toThrow(/not both/)
    expect(() => planOutputs({format: ['sarif']}, true)).toThrow(/--json already prints/)
    expect(planOutputs({}, true).formats).toEqual(['table'])
  })

  it('writes every format into the directory and returns the table for stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llmsec-emit-'))
    try {
      const plan = planOutputs({format: ['markdown', 'html'], 'output-dir': join(dir, 'new', 'sub')}, false)
      const {stdout, files} = await emitReports(sampleReport(), plan, createStyle(false), 1)
      expect(stdout).toBeNull()
      expect(files).toHaveLength(2)
      expect(await readFile(files[1], 'utf8')).toMatch(/^<!DOCTYPE html>/)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('shows waived rules and waivers to review in the table, not as failures', () => {
    const text = renderTableReport(sampleReport(), createStyle(false), 1)
    expect(text).toContain('WAIVED (1, not counted in the score)')
    expect(text).toContain('~ ssh-root: break-glass console, SEC-142 (ciso@example.org, until 2027-03-31)')
    expect(text).toContain('WAIVERS TO REVIEW (2)')
    expect(text.split('WAIVED')[0]).not.toContain('ssh-root')
  })
})
