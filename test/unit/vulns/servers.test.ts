import {describe, expect, it} from 'vitest'

import {findServerAdvisories} from '../../../src/vulns/index.js'

const cves = (runtime: Parameters<typeof findServerAdvisories>[0], version: string) =>
  findServerAdvisories(runtime, version).map((a) => a.cve)

describe('server versions against the advisory data', () => {
  it('flags Ollama below 0.1.34 with CVE-2024-37032, and not 0.1.34', () => {
    expect(cves('ollama', '0.1.33')).toContain('CVE-2024-37032')
    expect(cves('ollama', '0.1.34')).not.toContain('CVE-2024-37032')
    expect(cves('vllm', '0.1.33')).not.toContain('CVE-2024-37032')
  })

  it('counts a release candidate of the fixed version as still vulnerable', () => {
    expect(cves('ollama', '0.1.34-rc1')).toContain('CVE-2024-37032')
    expect(cves('ollama', 'v0.1.34')).not.toContain('CVE-2024-37032')
    expect(cves('ollama', 'unknown')).toEqual([])
  })

  it('honours introduced bounds and names the fix and the sources', () => {
    expect(cves('vllm', '0.6.4')).not.toContain('CVE-2025-47277')
    const [nccl] = findServerAdvisories('vllm', '0.6.5').filter((a) => a.cve === 'CVE-2025-47277')
    expect(nccl).toMatchObject({fixed: '0.8.5', severity: 'critical', ids: ['GHSA-hjq4-87xh-g4fv', 'CVE-2025-47277']})
    expect(nccl.sources[0]).toMatch(/^https:\/\/github\.com\/vllm-project\/vllm\/security\/advisories\//)
  })

  it('covers the ML platforms the catalog maps to PyPI (mlflow, gradio, jupyter-server)', () => {
    expect(cves('mlflow', '2.9.1')).toContain('CVE-2023-6909')
    expect(cves('mlflow', '2.9.2')).not.toContain('CVE-2023-6909')
    expect(cves('gradio', '4.10.0')).toEqual(expect.arrayContaining(['CVE-2023-51449', 'CVE-2023-6572']))
    expect(cves('jupyter', '2.7.1')).toContain('CVE-2023-40170')
  })

  it('compares llama.cpp builds by their b-number', () => {
    expect(cves('llama.cpp', 'b5661')).toEqual(expect.arrayContaining(['CVE-2025-49847', 'CVE-2025-52566']))
    expect(cves('llama.cpp', 'b5662')).toEqual(['CVE-2025-52566'])
    expect(cves('llama.cpp', 'b5721')).toEqual([])
  })

  it('knows nothing for a runtime whose advisories llmsec does not track', () => {
    expect(findServerAdvisories('qdrant', '0.0.1')).toEqual([])
  })
})
