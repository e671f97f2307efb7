import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {scanFile} from '../../src/scan/index.js'
import {scanSource} from '../../src/scan/scan.js'
import {openFileSource, type ByteSource} from '../../src/scan/source.js'
import {callPickle} from '../helpers/pickle-builder.js'
import {writeSparseCheckpoint} from '../helpers/sparse-checkpoint.js'

const GiB = 1024 * 1024 * 1024
const dir = mkdtempSync(join(tmpdir(), 'llmsec-scan-large-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** Counts the bytes the scanner reads from a real file. */
function countingScan(path: string): {bytesRead: number; report: ReturnType<typeof scanFile>} {
  const file = openFileSource(path)
  let bytesRead = 0
  const counting: ByteSource = {
    size: file.size,
    read(offset, length) {
      const out = file.read(offset, length)
      bytesRead += out.length
      return out
    },
  }
  try {
    return {report: scanSource(counting, path), bytesRead}
  } finally {
    file.close()
  }
}

describe('large checkpoints (sparse files in os.tmpdir())', () => {
  const benign = {name: 'ckpt/data.pkl', data: callPickle('collections', 'OrderedDict')}

  it('scans a 6 GiB zip64 checkpoint with 300 storages reading under 256 KiB: tensor bytes are never read', () => {
    const path = join(dir, 'big.pt')
    writeSparseCheckpoint(path, [benign], 300, Math.floor((6 * GiB) / 300), {computeCrc: false})
    const started = performance.now()
    const {report, bytesRead} = countingScan(path)
    expect(report).toMatchObject({format: 'pytorch-zip', verdict: 'clean', findings: []})
    expect(report.size).toBeGreaterThan(6 * GiB - 1)
    // The end-record search (64 KiB), the central directory, a local header and a 64-byte sniff per member.
    expect(bytesRead).toBeLessThan(256 * 1024)
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('finds a payload pickle stored after 5 GiB of storages (zip64 offsets)', () => {
    const path = join(dir, 'late.pt')
    const payload = {name: 'ckpt/extra/state.bin', data: callPickle('os', 'system')}
    writeSparseCheckpoint(path, [benign], 2, 2.5 * GiB, {computeCrc: false, after: [payload]})
    const report = scanFile(path)
    expect(report.verdict).toBe('unsafe')
    expect(report.findings[0]).toMatchObject({member: 'ckpt/extra/state.bin', globals: ['os.system']})
  })
})
