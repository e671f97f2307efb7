import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {scanPaths} from '../../../src/scan/index.js'
import {callPickle} from '../../helpers/pickle-builder.js'

const dir = mkdtempSync(join(tmpdir(), 'llmsec-scan-pool-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('scanPaths on worker threads', () => {
  it('stops a file at its time budget (unknown) and still scans the others', async () => {
    // 20 million cheap opcodes: seconds of walking, far past a 200 ms budget.
    writeFileSync(
      join(dir, 'slow.pkl'),
      Buffer.concat([Buffer.from([0x80, 2]), Buffer.alloc(40_000_000, 'N0'), Buffer.from('N.')]),
    )
    writeFileSync(join(dir, 'evil.pkl'), callPickle('os', 'system'))
    writeFileSync(join(dir, 'fine.pkl'), callPickle('collections', 'OrderedDict'))
    const result = await scanPaths([dir], {fileTimeoutMs: 200, concurrency: 2})
    const verdicts = Object.fromEntries(
      result.files.map((f) => [f.path.split('/').pop(), [f.verdict, f.findings[0]?.code]]),
    )
    expect(verdicts).toEqual({
      'evil.pkl': ['unsafe', 'PICKLE_DANGEROUS_GLOBAL'],
      'fine.pkl': ['clean', undefined],
      'slow.pkl': ['unknown', 'SCAN_TIMEOUT'],
    })
  })

  it('gives the same reports in this thread (isolate: false) as on workers', async () => {
    const files = [join(dir, 'evil.pkl'), join(dir, 'fine.pkl')]
    const [pooled, inline] = await Promise.all([scanPaths(files), scanPaths(files, {isolate: false})])
    expect(inline.files).toEqual(pooled.files)
  })

  it('ends at an abort: unfinished files are unknown (SCAN_CANCELLED), none clean', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 300)
    const result = await scanPaths([join(dir, 'slow.pkl')], {fileTimeoutMs: 60_000, signal: controller.signal})
    expect(result.files.map((f) => [f.verdict, f.findings[0]?.code])).toEqual([['unknown', 'SCAN_CANCELLED']])
  })
})
