import {describe, expect, it} from 'vitest'

import {parseVersion} from '../../../src/core/version.js'
import {findVulnerabilities, knownVulnerabilities} from '../../../src/inference/known-vulnerable.js'

describe('known-vulnerable versions', () => {
  it('flags Ollama below 0.1.34 with CVE-2024-37032, and not 0.1.34 for it', () => {
    expect(findVulnerabilities('ollama', '0.1.33').map((v) => v.cve)).toContain('CVE-2024-37032')
    expect(findVulnerabilities('ollama', '0.1.34').map((v) => v.cve)).not.toContain('CVE-2024-37032')
    expect(findVulnerabilities('vllm', '0.1.33').map((v) => v.cve)).not.toContain('CVE-2024-37032')
  })

  it('counts a release candidate of the fixed version as still vulnerable', () => {
    expect(findVulnerabilities('ollama', '0.1.34-rc1').map((v) => v.cve)).toContain('CVE-2024-37032')
    expect(findVulnerabilities('ollama', '0.1.34.post1').map((v) => v.cve)).not.toContain('CVE-2024-37032')
    expect(findVulnerabilities('ollama', 'unknown')).toEqual([])
  })

  it('honours an introduced bound', () => {
    const entries = [{...knownVulnerabilities[0], introduced: '0.1.10', fixed: '0.1.20'}]
    expect(findVulnerabilities('ollama', '0.1.9', entries)).toEqual([])
    expect(findVulnerabilities('ollama', '0.1.10', entries)).toHaveLength(1)
  })

  it('keeps a source URL and a CVE id on every entry', () => {
    for (const entry of knownVulnerabilities) {
      expect(entry.cve).toMatch(/^CVE-\d{4}-\d{4,}$/)
      expect(entry.sources.length).toBeGreaterThan(0)
      for (const source of entry.sources) expect(source).toMatch(/^https:\/\//)
      expect(parseVersion(entry.fixed)).not.toBeNull()
    }
  })
})
