import {describe, expect, it} from 'vitest'

import {
  compareVersions,
  findVulnerabilities,
  knownVulnerabilities,
  parseVersion,
} from '../../../src/inference/known-vulnerable.js'

describe('known-vulnerable versions', () => {
  it('parses server version strings', () => {
    expect(parseVersion('v0.1.33')).toEqual([0, 1, 33])
    expect(parseVersion('0.6.4.post1')).toEqual([0, 6, 4])
    expect(parseVersion('b4567-abcdef')).toEqual([4567])
    expect(parseVersion('unknown')).toBeNull()
  })

  it('compares component by component', () => {
    expect(compareVersions([0, 1, 33], [0, 1, 34])).toBe(-1)
    expect(compareVersions([0, 2], [0, 1, 99])).toBe(1)
    expect(compareVersions([1, 0], [1, 0, 0])).toBe(0)
  })

  it('flags Ollama below 0.1.34 with CVE-2024-37032, and not 0.1.34 for it', () => {
    expect(findVulnerabilities('ollama', '0.1.33').map((v) => v.cve)).toContain('CVE-2024-37032')
    expect(findVulnerabilities('ollama', '0.1.34').map((v) => v.cve)).not.toContain('CVE-2024-37032')
    expect(findVulnerabilities('vllm', '0.1.33').map((v) => v.cve)).not.toContain('CVE-2024-37032')
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
