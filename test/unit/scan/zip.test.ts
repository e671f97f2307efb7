import {describe, expect, it} from 'vitest'

import {scanBuffer} from '../../../src/scan/index.js'
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
    expect(report.verdict).toBe('malformed')
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
    expect(codes(buildZip([{name: 'a.pkl', data: evil, flags: 1}]))).toEqual(['ZIP_ENCRYPTED'])
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
