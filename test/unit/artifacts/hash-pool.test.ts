import {createHash} from 'node:crypto'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {hashJobs} from '../../../src/artifacts/hash-pool.js'
import {computeRootDigest, hashModel} from '../../../src/artifacts/manifest.js'
import type {ProgressEvent} from '../../../src/core/progress.js'
import {makeTempDir} from '../../helpers/model-dir.js'

let work: {dir: string; cleanup: () => Promise<void>}
const contents = [Buffer.alloc(0), Buffer.from('hello'), Buffer.alloc(9 * 1024 * 1024 + 7, 0x5a)]
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

beforeAll(async () => {
  work = await makeTempDir('llmsec-hash-')
  await Promise.all(contents.map((data, i) => writeFile(join(work.dir, `f${i}`), data)))
})
afterAll(async () => work?.cleanup())

describe('hashJobs', () => {
  it('hashes on the calling thread with overlapped reads, to the digest a worker gives', async () => {
    let reported = 0
    const job = {path: join(work.dir, 'f2'), size: contents[2].length}
    const small = {path: join(work.dir, 'f1'), size: contents[1].length}
    const [caller] = await hashJobs([job], {algorithm: 'sha256', inlineBelowBytes: 0, onBytes: (d) => (reported += d)})
    // Two jobs at concurrency 2: the worker is handed the larger first, the calling thread the other.
    const [onWorker, onCaller] = await hashJobs([job, small], {
      algorithm: 'sha256',
      inlineBelowBytes: 0,
      concurrency: 2,
    })
    expect(caller).toEqual({digest: sha256(contents[2]), bytes: contents[2].length})
    expect(onWorker).toEqual(caller)
    expect(onCaller).toEqual({digest: sha256(contents[1]), bytes: contents[1].length})
    expect(reported).toBe(contents[2].length)
  })

  it('hashes byte ranges that end inside a read, start past the end, or are empty', async () => {
    const path = join(work.dir, 'f2')
    const size = contents[2].length
    const ranges = [
      [0, 1024 * 1024 + 1],
      [3, 2 * 1024 * 1024],
      [size - 5, size],
      [size, size],
      [7, 7],
    ] as const
    const results = await hashJobs(
      ranges.map(([start, end]) => ({path, size: end - start, start, end})),
      {algorithm: 'sha256', inlineBelowBytes: 0, concurrency: 1},
    )
    expect(results).toEqual(
      ranges.map(([start, end]) => ({digest: sha256(contents[2].subarray(start, end)), bytes: end - start})),
    )
  })

  it.each([
    ['on worker threads (TypeScript worker through tsx)', 0],
    ['inline on the calling thread', Number.MAX_SAFE_INTEGER],
  ])('hashes whole files and byte ranges %s, reporting every byte', async (_how, inlineBelowBytes) => {
    let reported = 0
    const jobs = [
      ...contents.map((data, i) => ({path: join(work.dir, `f${i}`), size: data.length})),
      {path: join(work.dir, 'f2'), size: 4096, start: 100, end: 4196},
    ]
    const results = await hashJobs(jobs, {
      algorithm: 'sha256',
      concurrency: 2,
      inlineBelowBytes,
      onBytes: (d) => (reported += d),
    })
    expect(results.map((r) => r.digest)).toEqual([...contents.map(sha256), sha256(contents[2].subarray(100, 4196))])
    expect(reported).toBe(contents.reduce((sum, data) => sum + data.length, 0) + 4096)
  })

  it('names the file that cannot be read, on the calling thread or on a worker', async () => {
    const missing = {path: join(work.dir, 'nope'), size: 64 * 1024 * 1024}
    await expect(hashJobs([missing], {algorithm: 'sha256', inlineBelowBytes: 0})).rejects.toThrow(/nope does not exist/)
    // The worker is handed the larger job (the missing file), the calling thread the other.
    const jobs = [{path: join(work.dir, 'f2'), size: 1}, missing]
    await expect(hashJobs(jobs, {algorithm: 'sha256', inlineBelowBytes: 0, concurrency: 2})).rejects.toThrow(
      /nope does not exist/,
    )
  })
})

describe('hashModel and the root digest', () => {
  it('computes shards as path:start:end and leaves out empty files', async () => {
    const files = contents.map((data, i) => ({name: `f${i}`, path: join(work.dir, `f${i}`), size: data.length}))
    const serialization = {
      method: 'shards' as const,
      hash_type: 'sha256',
      allow_symlinks: false,
      shard_size: 4 * 1024 * 1024,
    }
    const {resources} = await hashModel(files, serialization)
    expect(resources.map((r) => r.name)).toEqual(['f1:0:5', 'f2:0:4194304', 'f2:4194304:8388608', 'f2:8388608:9437191'])
    expect(resources[0].digest).toBe(sha256(contents[1]))
  })

  it('reports progress in bytes, monotonic, ending at the total', async () => {
    const files = contents.map((data, i) => ({name: `f${i}`, path: join(work.dir, `f${i}`), size: data.length}))
    const events: ProgressEvent[] = []
    await hashModel(
      files,
      {method: 'files', hash_type: 'sha256', allow_symlinks: false},
      {onProgress: (e) => events.push(e)},
    )
    const total = contents.reduce((sum, data) => sum + data.length, 0)
    expect(events.every((e) => e.unit === 'bytes' && e.total === total && e.phase === 'hashing')).toBe(true)
    expect(events.map((e) => e.done)).toEqual([...events.map((e) => e.done as number)].sort((a, b) => a - b))
    expect(events.at(-1)?.done).toBe(total)
  })

  it('matches the root digest in the OMS spec example', () => {
    const resources = [
      {
        name: 'signme-1',
        digest: 'bc9a717db6064a32cbe9eae6fc40651dd6d36ef1757183f590eff2b1765d7ebc',
        algorithm: 'sha256',
      },
      {
        name: 'signme-2',
        digest: '32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028',
        algorithm: 'sha256',
      },
    ]
    expect(computeRootDigest(resources)).toBe('92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4')
  })
})
