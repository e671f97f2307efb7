import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {KNOWN_CONTROLS, listBuiltInRulesets, loadRuleset, rulesetSchema} from '../../../src/audit/index.js'
import {skipReason} from '../../helpers/env.js'
import {hasShared, repoRoot, sharedDir} from '../../helpers/cli.js'

const EXPECTED = ['baseline', 'fedramp-moderate', 'gdpr', 'hipaa', 'owasp-llm-top10', 'pci-dss', 'sox']
const FRAMEWORK_OF: Record<string, string> = {
  hipaa: 'hipaa',
  gdpr: 'gdpr',
  'pci-dss': 'pci-dss',
  sox: 'sox',
  'fedramp-moderate': 'nist-800-53',
  'owasp-llm-top10': 'owasp-llm',
}

/** Control ids per framework, read from the tables of ../shared/compliance/controls.md. */
function controlsFromReference(): Record<string, Set<string>> {
  const text = readFileSync(join(sharedDir, 'compliance', 'controls.md'), 'utf8')
  const sections = text.split(/\n## (\d)\. /)
  const names: Record<string, string> = {
    '1': 'hipaa',
    '2': 'gdpr',
    '3': 'pci-dss',
    '4': 'nist-800-53',
    '5': 'owasp-llm',
    '6': 'sox',
    '7': 'iso-27001',
  }
  const out: Record<string, Set<string>> = {}
  for (let i = 1; i < sections.length; i += 2) {
    const name = names[sections[i]]
    if (!name) continue
    const ids = [...sections[i + 1].matchAll(/^\| ([^|]+?) \|/gm)].map((m) => m[1].trim())
    out[name] = new Set(ids.filter((id) => !/^(id|---|id \(ITGC domain\))$/.test(id)))
  }
  return out
}

describe('built-in rulesets', () => {
  it('are all present, load and validate', async () => {
    expect(await listBuiltInRulesets()).toEqual(EXPECTED)
    for (const id of EXPECTED) {
      const rs = await loadRuleset(id)
      expect(rs.id).toBe(id)
      expect(rs.builtIn).toBe(true)
      expect(rs.rules.length, id).toBeGreaterThan(10)
    }
  })

  it('extend baseline: framework rulesets keep most baseline rules and add their own', async () => {
    const baseline = new Set((await loadRuleset('baseline')).rules.map((r) => r.id))
    for (const id of Object.keys(FRAMEWORK_OF)) {
      const rules = (await loadRuleset(id)).rules.map((r) => r.id)
      expect(rules.filter((r) => baseline.has(r)).length, id).toBeGreaterThanOrEqual(20)
    }
  })

  // Runs offline: every rule of a framework ruleset maps to ≥ 1 control of its framework.
  it('map every rule of each framework ruleset to at least one control of that framework', async () => {
    for (const [id, framework] of Object.entries(FRAMEWORK_OF)) {
      const rs = await loadRuleset(id)
      expect(rs.framework).toBe(framework)
      for (const rule of rs.rules) expect(rule.controls[framework]?.length ?? 0, `${id}/${rule.id}`).toBeGreaterThan(0)
    }
  })

  it('use only control ids listed in src/audit/controls.ts', async () => {
    for (const id of EXPECTED) {
      for (const rule of (await loadRuleset(id)).rules) {
        for (const [framework, ids] of Object.entries(rule.controls)) {
          expect(KNOWN_CONTROLS[framework], `${id}/${rule.id}: framework ${framework}`).toBeDefined()
          for (const control of ids) expect(KNOWN_CONTROLS[framework], `${id}/${rule.id}`).toContain(control)
        }
      }
    }
  })

  it.skipIf(skipReason(!hasShared, '../shared is absent: control ids not compared with controls.md'))(
    'use control ids that appear in ../shared/compliance/controls.md, and src/audit/controls.ts matches it',
    async () => {
      const reference = controlsFromReference()
      for (const [framework, ids] of Object.entries(reference))
        expect([...KNOWN_CONTROLS[framework]].sort()).toEqual([...ids].sort())
      for (const id of EXPECTED) {
        for (const rule of (await loadRuleset(id)).rules) {
          for (const [framework, controls] of Object.entries(rule.controls))
            for (const control of controls)
              expect(reference[framework]?.has(control), `${id}/${rule.id}: ${control}`).toBe(true)
        }
      }
    },
  )

  it('FedRAMP Moderate uses only controls in the FedRAMP Moderate baseline (SR-4 is not)', async () => {
    for (const rule of (await loadRuleset('fedramp-moderate')).rules)
      expect(rule.controls['nist-800-53']).not.toContain('SR-4')
  })

  it('docs/rulesets.schema.json is the schema the loader uses', () => {
    const file = JSON.parse(readFileSync(join(repoRoot, 'docs', 'rulesets.schema.json'), 'utf8')) as unknown
    expect(file).toEqual(JSON.parse(JSON.stringify(rulesetSchema)))
  })
})
