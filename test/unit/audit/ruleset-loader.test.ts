import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {LlmsecError} from '../../../src/core/errors.js'
import {loadRuleset} from '../../../src/audit/index.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'

const header = 'apiVersion: llmsec.dev/v1\nkind: Ruleset\nid: custom\ntitle: Custom\nversion: 1.0.0\n'
const rule = (check: string, extra = '') =>
  `rules:\n  - id: r1\n    title: Rule one\n    severity: high\n    check:\n      ${check}\n    remediation: Fix it.\n${extra}`

describe('ruleset loader', () => {
  let dir: string
  let n = 0
  beforeAll(async () => {
    dir = await buildRoot({})
  })
  afterAll(() => removeRoot(dir))

  async function errorFor(text: string): Promise<{error: LlmsecError; file: string}> {
    const file = join(dir, `r${n++}.yaml`)
    await writeFile(file, text)
    try {
      await loadRuleset(file)
    } catch (error) {
      if (error instanceof LlmsecError) return {error, file}
      throw error
    }
    throw new Error('no error')
  }

  it('names file:line:column of a YAML syntax error', async () => {
    const {error, file} = await errorFor(`${header}rules: [\n  {id: x\n`)
    expect(error.message).toMatch(new RegExp(`^${file}:\\d+:\\d+: YAML syntax error`))
    expect(error.exit).toBe(2)
  })

  it('rejects an unknown check id at the check id', async () => {
    const {error, file} = await errorFor(header + rule('id: no-such-check'))
    expect(error.message).toBe(
      `${file}:11:11: rules[0].check.id: unknown check "no-such-check" (see llmsec rulesets list --checks)`,
    )
  })

  it('rejects a parameter of the wrong type at the parameter', async () => {
    const {error, file} = await errorFor(header + rule('id: file-exists\n      params: {path: 42}'))
    expect(error.message).toBe(`${file}:12:22: rules[0].check.params.path: must be string (check file-exists)`)
  })

  it('rejects an unknown parameter and a missing one', async () => {
    const unknown = await errorFor(header + rule('id: file-exists\n      params: {path: /x, colour: red}'))
    expect(unknown.error.message).toMatch(/:12:\d+: rules\[0\]\.check\.params\.colour: unknown parameter colour/)
    const missing = await errorFor(header + rule('id: file-exists'))
    expect(missing.error.message).toMatch(/rules\[0\]\.check\.params: missing required parameter path/)
  })

  it('rejects a runtime name that is not a catalog id, near-misses included', async () => {
    const params = (name: string) => `id: inference-env\n      params: {variable: X, runtimes: [ollama, ${name}]}`
    for (const name of ['lmstudio', 'LM-Studio', 'llama_cpp', 'sglang-server']) {
      const {error} = await errorFor(header + rule(params(name)))
      expect(error.message).toMatch(/rules\[0\]\.check\.params\.runtimes\.1: must be one of ollama, vllm/)
    }
    const file = join(dir, 'runtimes-ok.yaml')
    await writeFile(file, header + rule(params('lm-studio')))
    await expect(loadRuleset(file)).resolves.toMatchObject({id: 'custom'})
  })

  it('rejects an unknown severity with the allowed values', async () => {
    const {error, file} = await errorFor(header + rule('id: time-sync').replace('severity: high', 'severity: urgent'))
    expect(error.message).toBe(`${file}:9:15: rules.0.severity: must be one of critical, high, medium, low, info`)
  })

  it('rejects an unknown control id of a known framework', async () => {
    const {error} = await errorFor(header + rule('id: time-sync', '    controls: {hipaa: ["164.999"]}\n'))
    expect(error.message).toMatch(/:13:\d+: hipaa control "164\.999" is not a known hipaa control id/)
  })

  it('applies extends with overrides and removals', async () => {
    const file = join(dir, 'ext.yaml')
    await writeFile(
      file,
      `${header}extends:\n  - ruleset: baseline\n    remove: [time-sync]\n    overrides:\n` +
        `      log-retention-configured: {severity: critical, params: {minDays: 400}, controls: {hipaa: ['164.312(b)']}}\n`,
    )
    const rs = await loadRuleset(file)
    const baseline = await loadRuleset('baseline')
    expect(rs.rules.length).toBe(baseline.rules.length - 1)
    expect(rs.rules.find((r) => r.id === 'time-sync')).toBeUndefined()
    const retention = rs.rules.find((r) => r.id === 'log-retention-configured')!
    expect(retention.severity).toBe('critical')
    expect(retention.check.params).toEqual({minDays: 400})
    expect(retention.controls.hipaa).toEqual(['164.312(b)'])
    expect(retention.controls['nist-800-53']).toEqual(['AU-11', 'SI-12'])
    expect(retention.source.file).toBe(file)
  })

  it('validates override params against the check and rejects unknown rule ids', async () => {
    const bad = await errorFor(
      `${header}extends:\n  - ruleset: baseline\n    overrides:\n      time-sync: {params: {x: 1}}\n`,
    )
    expect(bad.error.message).toMatch(/:9:\d+: overrides\.time-sync\.params\.x: unknown parameter x/)
    const unknown = await errorFor(`${header}extends:\n  - ruleset: baseline\n    remove: [nope]\n`)
    expect(unknown.error.message).toMatch(/:8:\d+: remove: nope is not a rule of baseline/)
  })

  it('detects circular extends and a framework rule without a mapping', async () => {
    await writeFile(join(dir, 'a.yaml'), `${header.replace('custom', 'a')}extends: [./b.yaml]\n`)
    await writeFile(join(dir, 'b.yaml'), `${header.replace('custom', 'b')}extends: [./a.yaml]\n`)
    await expect(loadRuleset(join(dir, 'a.yaml'))).rejects.toThrow(/circular extends/)
    const {error} = await errorFor(`${header}framework: gdpr\n` + rule('id: time-sync'))
    expect(error.message).toMatch(/rule r1 maps to no gdpr control/)
  })

  it('gives each rule the line and column where its entry starts, also when the fast path loaded the file', async () => {
    const file = join(dir, 'located.yaml')
    const second =
      '  - id: r2\n    title: Rule two\n    severity: low\n    check: {id: time-sync}\n    remediation: Fix.\n'
    await writeFile(file, header + rule('id: time-sync') + second)
    const {rules} = await loadRuleset(file)
    // header (5 lines), `rules:` on 6, r1's entry on 7 and its 6 lines, r2's on 13; the column is the entry's `id`.
    expect(rules.map((r) => `${r.id} ${r.source.file}:${r.source.line}:${r.source.column}`)).toEqual([
      `r1 ${file}:7:5`,
      `r2 ${file}:13:5`,
    ])
    expect(JSON.parse(JSON.stringify(rules[1].source))).toEqual({file, line: 13, column: 5})
  })
})
