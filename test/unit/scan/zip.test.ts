import {describe, expect, it} from 'vitest'

import {ARCHIVE_BUDGET} from '../../../src/scan/archive.js'
import {scanBuffer} from '../../../src/scan/index.js'
import {inspectSource} from '../../../src/scan/inspect.js'
import {bufferSource} from '../../../src/scan/source.js'
import {callPickle} from '../../helpers/pickle-builder.js'
import {buildZip} from '../../helpers/model-builders.js'

const codes = (file: Buffer) => scanBuffer(file, 'archive.zip').findings.map((f) => f.code)
const evil = callPickle('os', 'system')

describe('zip archives', () => {
  it('finds a malicious pickle under a misleading name, stored or deflated', () => {
    for (const deflate of [false, true]) {
      const report = scanBuffer(buildZip([{name: 'images/cat.jpg', data: evil, deflate}]), 'a.zip')
      expect(report.verdict).toBe('unsafe')
      expect(report.findings[0]).toMatchObject({member: 'images/cat.jpg', globals: ['os.system']})
    }
  })

  it('reports a CRC mismatch on an inspected member', () => {
    expect(
      codes(buildZip([{name: 'archive/data.pkl', data: callPickle('collections', 'OrderedDict'), crc: 1234}])),
    ).toEqual(['ZIP_CRC_MISMATCH'])
  })

  it('reports names that differ between local and central headers, and still inspects the member', () => {
    const found = codes(buildZip([{name: 'archive/data.pkl', localName: 'archive/other.pkl', data: evil}]))
    expect(found).toEqual(['ZIP_NAME_MISMATCH', 'PICKLE_DANGEROUS_GLOBAL'])
  })

  it('reports a zip bomb from declared sizes without inflating it', () => {
    const bomb = buildZip([{name: 'big.bin', data: Buffer.alloc(1000), deflate: true, size: 0xfff00000}])
    const report = scanBuffer(bomb, 'bomb.zip')
    expect(report.findings.map((f) => f.code)).toEqual(['ZIP_BOMB'])
    expect(report.verdict).toBe('unknown')
  })

  it('reports a member that inflates beyond its declared size', () => {
    const data = callPickle('collections', 'OrderedDict')
    expect(codes(buildZip([{name: 'x.pkl', data, deflate: true, size: 5}]))).toEqual(['ZIP_SIZE_MISMATCH'])
  })

  it('reports overlapping members (the overlapping-file bomb technique)', () => {
    const zip = buildZip([
      {name: 'a.bin', data: Buffer.alloc(64)},
      {name: 'b.bin', data: Buffer.alloc(64)},
    ])
    // Point b's central record at a's local header region.
    const cd = zip.readUInt32LE(zip.length - 6)
    const second = cd + 46 + 5
    zip.writeUInt32LE(0, second + 42)
    expect(codes(zip)).toContain('ZIP_NAME_MISMATCH')
    expect(codes(zip)).toContain('ZIP_OVERLAPPING_ENTRIES')
  })

  it('reports duplicate names, encrypted members and truncated archives', () => {
    expect(
      codes(
        buildZip([
          {name: 'a', data: Buffer.from('x')},
          {name: 'a', data: Buffer.from('y')},
        ]),
      ),
    ).toEqual(['ZIP_DUPLICATE_NAME'])
    // Marked encrypted but stored in the clear: the bytes are still inspected (a loader may ignore the flag).
    expect(codes(buildZip([{name: 'a.pkl', data: evil, flags: 1}]))).toEqual([
      'ZIP_ENCRYPTED',
      'PICKLE_DANGEROUS_GLOBAL',
    ])
    const zip = buildZip([{name: 'a.pkl', data: evil}])
    const report = scanBuffer(zip.subarray(0, zip.length - 10), 'cut.zip')
    expect(report.findings.map((f) => f.code)).toEqual(['ZIP_NO_END_RECORD'])
    expect(report.verdict).toBe('malformed')
  })

  it('follows nested archives to a bounded depth', () => {
    let zip = buildZip([{name: 'payload.pkl', data: evil}])
    for (let i = 0; i < 2; i++) zip = buildZip([{name: `level${i}.zip`, data: zip, deflate: true}])
    expect(scanBuffer(zip, 'z.zip').findings[0]).toMatchObject({
      code: 'PICKLE_DANGEROUS_GLOBAL',
      member: 'level1.zip!level0.zip!payload.pkl',
    })
    for (let i = 2; i < 6; i++) zip = buildZip([{name: `level${i}.zip`, data: zip}])
    expect(codes(zip)).toEqual(['ARCHIVE_TOO_DEEP'])
  })

  it('does not treat tensor bytes that look like a broken pickle as findings', () => {
    const data = Buffer.concat([Buffer.from([0x80, 0x02, 0xff]), Buffer.alloc(100)])
    const zip = buildZip([
      {name: 'archive/data.pkl', data: callPickle('collections', 'OrderedDict')},
      {name: 'archive/data/0', data},
    ])
    expect(scanBuffer(zip, 'model.pt')).toMatchObject({format: 'pytorch-zip', verdict: 'clean', findings: []})
  })
})

describe('archive budget', () => {
  it('stops a nested bomb whose members each look harmless (a shared inflate budget)', () => {
    // A leaf pickle with 1 MiB of zero bytes (below the per-member bomb threshold), 8 per level, 3 levels.
    // The budget is shared by every level, so the leaves add up however they are nested.
    const length = Buffer.alloc(8)
    length.writeBigUInt64LE(1024n * 1024n)
    const leaf = Buffer.concat([
      Buffer.from([0x80, 4, 0x8e]),
      length,
      Buffer.alloc(8 * 1024 * 1024),
      Buffer.from('0N.'),
    ])
    let level = buildZip([0, 1, 2, 3, 4, 5, 6, 7].map((n) => ({name: `leaf${n}.pkl`, data: leaf, deflate: true})))
    for (let i = 0; i < 2; i++)
      level = buildZip([0, 1, 2, 3, 4, 5, 6, 7].map((n) => ({name: `l${i}-${n}.zip`, data: level, deflate: true})))
    const started = performance.now()
    // Start with most of the budget spent so the test stays fast; the accounting is the same.
    const spent = {inflatedBytes: ARCHIVE_BUDGET.inflatedBytes - 5 * 1024 * 1024, members: 0}
    const report = inspectSource(bufferSource(level), null, {name: 'nested.zip', budget: spent})
    expect(report.findings.map((f) => f.code)).toEqual(['ZIP_BOMB'])
    expect(report.findings[0].message).toMatch(/scan budget/)
    expect(performance.now() - started).toBeLessThan(20_000)
  })
})

describe('.npz members', () => {
  it('checks numeric .npy members of a compressed .npz from their header, without inflating the array', () => {
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1048576,), }".padEnd(117) + '\n'
    const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0])
    const npy = Buffer.concat([prefix, Buffer.from(header), Buffer.alloc(8 * 1048576)])
    expect(scanBuffer(buildZip([{name: 'a.npy', data: npy, deflate: true}]), 'x.npz')).toMatchObject({
      format: 'npz',
      verdict: 'clean',
      findings: [],
    })
    const wrong = buildZip([{name: 'a.npy', data: npy.subarray(0, npy.length - 8), deflate: true}])
    expect(codes(wrong)).toEqual(['NUMPY_SIZE_MISMATCH'])
  })
})

describe('zip polyglots: every reading a loader may take is judged', () => {
  const benign = callPickle('collections', 'OrderedDict')
  const zipOf = (data: Buffer) => buildZip([{name: 'archive/data.pkl', data}])
  const report = (file: Buffer) => scanBuffer(file, 'model.pt')

  it('a pickle before a zip: the pickle (torch.load) and the zip (zipfile) are both scanned', () => {
    expect(report(Buffer.concat([benign, zipOf(evil)]))).toMatchObject({verdict: 'unsafe', format: 'pickle'})
    expect(report(Buffer.concat([evil, zipOf(benign)])).verdict).toBe('unsafe')
    const twin = report(Buffer.concat([benign, zipOf(benign)]))
    expect(twin.verdict).toBe('clean')
    expect(twin.findings.map((f) => f.code)).toContain('POLYGLOT_ZIP')
  })

  it('two zips: the front one (streaming readers) and the one the end record names (zipfile) are both scanned', () => {
    expect(report(Buffer.concat([zipOf(evil), zipOf(benign)])).verdict).toBe('unsafe')
    expect(report(Buffer.concat([zipOf(benign), zipOf(evil)])).verdict).toBe('unsafe')
    const twin = report(Buffer.concat([zipOf(benign), zipOf(benign)]))
    expect(twin.verdict).toBe('clean')
    expect(twin.findings.map((f) => f.code)).toEqual(['ZIP_HIDDEN_MEMBER'])
  })

  it('finds a hidden member whose sizes are deferred to a data descriptor (flag bit 3, as torch writes)', () => {
    const front = buildZip([{name: 'archive/data.pkl', data: evil, flags: 8}])
    // Zero the local header's sizes and add the descriptor after the data, as a streaming writer does.
    const withDescriptor = Buffer.concat([
      front.subarray(0, 18),
      Buffer.alloc(8),
      front.subarray(26, 30 + 16 + evil.length),
      Buffer.from([0x50, 0x4b, 0x07, 0x08]),
      front.subarray(14, 18),
      Buffer.from(Uint32Array.of(evil.length, evil.length).buffer),
    ])
    expect(report(Buffer.concat([withDescriptor, zipOf(benign)])).verdict).toBe('unsafe')
    const lost = Buffer.concat([withDescriptor.subarray(0, withDescriptor.length - 16), zipOf(benign)])
    expect(report(lost).findings.map((f) => f.code)).toContain('ZIP_HIDDEN_MEMBER_UNREAD')
  })

  it('a zip reading that fails is no reading: a pickle ending in a stray end-record signature stays a pickle', () => {
    const stray = Buffer.concat([benign, Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18, 0xff)])
    expect(report(stray).verdict).toBe('clean')
  })
})
