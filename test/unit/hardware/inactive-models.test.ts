import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {inactiveModelFiles, isReferenced, modelReferences} from '../../../src/hardware/inactive-models.js'
import type {ModelFile} from '../../../src/hardware/index.js'

const NOW = Date.parse('2026-12-01T00:00:00Z')
const daysAgo = (n: number) => new Date(NOW - n * 86_400_000).toISOString()
const file = (path: string, readDaysAgo: number, writtenDaysAgo = readDaysAgo): ModelFile => ({
  path,
  format: 'safetensors',
  sizeBytes: 1,
  uid: 0,
  owner: 'root',
  mode: '0640',
  worldReadable: false,
  modifiedAt: daysAgo(writtenDaysAgo),
  accessedAt: daysAgo(readDaysAgo),
  daysSinceAccess: readDaysAgo,
})

describe('inactive model files', () => {
  it('a directory on the command line keeps every file under it active, and only those', () => {
    const refs = modelReferences(['/opt/vllm/bin/vllm serve /srv/models/llama --port 8000'])
    const files = [file('/srv/models/llama/a.safetensors', 400), file('/srv/models/llama-old/a.safetensors', 400)]
    expect(inactiveModelFiles(files, refs, 90, NOW).map((f) => f.path)).toEqual(['/srv/models/llama-old/a.safetensors'])
  })

  it('"/" or a top-level directory on a command line does not cover every model (it would hide the unused ones)', () => {
    const refs = modelReferences(['tool --root / --data /srv', 'OLLAMA_MODELS=/srv/'])
    expect(isReferenced('/srv/models/x.gguf', refs)).toBe(false)
  })

  it('an environment assignment and a container volume name a directory', () => {
    const refs = modelReferences(['OLLAMA_MODELS=/var/lib/ollama/models', '/data/hf:/root/.cache/huggingface'])
    expect(isReferenced('/var/lib/ollama/models/blobs/sha256-1', refs)).toBe(true)
    expect(isReferenced('/data/hf/hub/x', refs)).toBe(true)
  })

  it('a Hugging Face id names its hub cache directory', () => {
    const refs = modelReferences(['vllm serve meta-llama/Llama-3.1-8B'])
    const cached = '/root/.cache/huggingface/hub/models--meta-llama--Llama-3.1-8B/blobs/abc'
    expect(isReferenced(cached, refs)).toBe(true)
    expect(isReferenced('/root/.cache/huggingface/hub/models--meta-llama--Llama-3.1-70B/blobs/abc', refs)).toBe(false)
  })

  it('a file read or written within the window is active even when no service names it', () => {
    const none = modelReferences([])
    expect(inactiveModelFiles([file('/m/a', 10), file('/m/b', 400, 5), file('/m/c', 91)], none, 90, NOW)).toEqual([
      file('/m/c', 91),
    ])
  })

  it('property: every path reference has at least two components; any text is tokenised without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.string({maxLength: 200}), {maxLength: 20}), (texts) => {
        const {paths} = modelReferences(texts)
        for (const p of paths) expect(p.split('/').filter(Boolean).length).toBeGreaterThanOrEqual(2)
      }),
      {numRuns: 2000},
    )
  })
})
