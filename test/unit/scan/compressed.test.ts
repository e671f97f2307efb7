import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {deflateSync, gzipSync} from 'node:zlib'

import {execaSync} from 'execa'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'

import {scanBuffer, type FileReport} from '../../../src/scan/index.js'
import {hasTool, skipReason} from '../../helpers/env.js'
import {callPickle} from '../../helpers/pickle-builder.js'

const PYTHON = '/usr/bin/python3'
const payload = callPickle('os', 'system')
const twin = callPickle('collections', 'OrderedDict')

/** Compresses with Python's own bz2/lzma modules (what joblib uses), or lz4.frame. */
function pyCompress(kind: 'bz2' | 'xz' | 'lzma' | 'lz4', data: Buffer): Buffer {
  const call = {
    bz2: 'import bz2; out = bz2.compress(data)',
    xz: 'import lzma; out = lzma.compress(data, format=lzma.FORMAT_XZ)',
    lzma: 'import lzma; out = lzma.compress(data, format=lzma.FORMAT_ALONE)',
    lz4: 'import lz4.frame; out = lz4.frame.compress(data)',
  }[kind]
  const script = `import sys; data = sys.stdin.buffer.read(); ${call}; sys.stdout.buffer.write(out)`
  return Buffer.from(execaSync(PYTHON, ['-c', script], {input: data, encoding: 'buffer'}).stdout)
}

const canRun = (code: string) => execaSync(PYTHON, ['-c', code], {reject: false}).exitCode === 0
const noPython = !canRun('import bz2, lzma')
const noLz4 = !canRun('import lz4.frame')

const codes = (report: FileReport) => report.findings.map((f) => f.code)

describe.skipIf(skipReason(noPython, 'compressed-container tests need /usr/bin/python3 (bz2, lzma)'))(
  'joblib compression containers',
  () => {
    for (const kind of ['bz2', 'xz', 'lzma'] as const)
      it(`reads ${kind}: a payload is unsafe, its benign twin clean`, () => {
        const evil = scanBuffer(pyCompress(kind, payload), `m.joblib`)
        expect(evil.verdict).toBe('unsafe')
        expect(codes(evil)).toContain('PICKLE_DANGEROUS_GLOBAL')
        expect(scanBuffer(pyCompress(kind, twin), 'm.joblib')).toMatchObject({verdict: 'clean', findings: []})
      })

    it('calls a stream that inflates past the limit unknown, never clean', () => {
      const bomb = pyCompress('xz', Buffer.concat([twin, Buffer.alloc(80 * 1024 * 1024)]))
      expect(bomb.length).toBeLessThan(1024 * 1024)
      const report = scanBuffer(bomb, 'm.joblib')
      expect(report).toMatchObject({verdict: 'unknown'})
      expect(codes(report)).toEqual(['COMPRESSION_TOO_LARGE'])
    })

    it('still judges what a damaged stream decoded before the damage (the unpickler runs it)', () => {
      const whole = pyCompress('xz', Buffer.concat([payload, Buffer.alloc(200_000, 7)]))
      const cut = whole.subarray(0, whole.length - 40)
      const report = scanBuffer(cut, 'm.joblib')
      expect(codes(report)).toEqual(expect.arrayContaining(['PICKLE_DANGEROUS_GLOBAL', 'COMPRESSION_CORRUPT']))
      expect(report.verdict).toBe('unsafe')
      const benignCut = pyCompress('xz', Buffer.concat([twin, Buffer.alloc(200_000, 7)]))
      expect(scanBuffer(benignCut.subarray(0, benignCut.length - 40), 'm.joblib').verdict).toBe('malformed')
    })

    it('never fails internally on damaged bzip2, xz and lzma bytes (property)', () => {
      const seeds = (['bz2', 'xz', 'lzma'] as const).map((kind) => pyCompress(kind, payload))
      fc.assert(
        fc.property(
          fc.constantFrom(...seeds),
          fc.nat(),
          fc.integer({min: 0, max: 255}),
          fc.nat(),
          (seed, at, value, cut) => {
            const bytes = Buffer.from(seed)
            bytes[6 + (at % (bytes.length - 6))] = value
            const report = scanBuffer(bytes.subarray(0, Math.max(7, bytes.length - (cut % 16))), 'm.joblib')
            expect(codes(report)).not.toContain('SCAN_INTERNAL_ERROR')
          },
        ),
        {numRuns: 40},
      )
    })
  },
)

describe.skipIf(skipReason(noLz4, 'lz4 tests need python3-lz4'))('joblib lz4 frames', () => {
  it('reads an lz4 frame: a payload is unsafe, its twin clean', () => {
    expect(codes(scanBuffer(pyCompress('lz4', payload), 'm.joblib'))).toContain('PICKLE_DANGEROUS_GLOBAL')
    expect(scanBuffer(pyCompress('lz4', twin), 'm.joblib')).toMatchObject({verdict: 'clean'})
  })

  it('calls a frame larger than the limit unknown', () => {
    const report = scanBuffer(pyCompress('lz4', Buffer.concat([twin, Buffer.alloc(80 * 1024 * 1024)])), 'm.joblib')
    expect(codes(report)).toEqual(['COMPRESSION_TOO_LARGE'])
  })
})

describe('gzip members', () => {
  it("reads members after zero padding, as Python's gzip module does (a pickle may span them)", () => {
    const cut = Math.floor(payload.length / 2)
    const file = Buffer.concat([gzipSync(payload.subarray(0, cut)), Buffer.alloc(9), gzipSync(payload.subarray(cut))])
    expect(codes(scanBuffer(file, 'm.pkl.gz'))).toContain('PICKLE_DANGEROUS_GLOBAL')
    const junk = Buffer.concat([gzipSync(twin), Buffer.from('junk')])
    expect(codes(scanBuffer(junk, 'm.pkl.gz'))).toContain('COMPRESSION_CORRUPT')
  })
})

/** joblib's old format: "ZF", the length in 19 hex characters, then zlib. */
const zfile = (pickle: Buffer, length = `0x${pickle.length.toString(16)}`, extra = '') =>
  Buffer.concat([Buffer.from(`ZF${length.padEnd(19)}${extra}`, 'latin1'), deflateSync(pickle)])

describe("joblib's old ZF format", () => {
  it('inflates the zlib stream after the header: a payload is unsafe, its twin clean', () => {
    expect(codes(scanBuffer(zfile(payload), 'm.pkl'))).toContain('PICKLE_DANGEROUS_GLOBAL')
    expect(scanBuffer(zfile(twin), 'm.pkl')).toMatchObject({verdict: 'clean', findings: []})
  })

  it("reads the lengths Python's int(x, 16) reads and the Python 2 header's extra space", () => {
    expect(codes(scanBuffer(zfile(payload, ' 0X2A_0 '), 'm.pkl'))).toContain('PICKLE_DANGEROUS_GLOBAL')
    expect(codes(scanBuffer(zfile(payload, '2a', ' '), 'm.pkl'))).toContain('PICKLE_DANGEROUS_GLOBAL')
  })

  it('does not take a ZF file whose length Python would refuse, and calls damaged zlib malformed', () => {
    expect(scanBuffer(zfile(payload, 'not-hex'), 'm.pkl').verdict).toBe('unknown')
    const broken = zfile(payload)
    broken.writeUInt32BE(0xdeadbeef, 30)
    expect(scanBuffer(broken, 'm.pkl')).toMatchObject({verdict: 'malformed'})
    expect(codes(scanBuffer(broken, 'm.pkl'))).toEqual(['COMPRESSION_CORRUPT'])
  })
})

const no7z = !hasTool('7z')

describe.skipIf(skipReason(no7z, '7z archive tests need 7z (p7zip-full) to build archives'))('7z archives', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmsec-7z-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  function sevenZip(name: string, members: Record<string, Buffer>, args: string[] = []): Buffer {
    const src = mkdtempSync(join(dir, 'src-'))
    for (const [member, data] of Object.entries(members)) writeFileSync(join(src, member), data)
    const out = join(dir, name)
    execaSync('7z', ['a', '-bso0', '-bsp0', ...args, out, ...Object.keys(members)], {cwd: src})
    return readFileSync(out)
  }

  it('inspects every member: a payload under any name is unsafe, the benign twin clean', () => {
    const evil = scanBuffer(sevenZip('evil.7z', {'weights.bin': Buffer.alloc(64), 'notes.txt': payload}), 'm.7z')
    expect(evil.verdict).toBe('unsafe')
    expect(evil.findings).toContainEqual(
      expect.objectContaining({code: 'PICKLE_DANGEROUS_GLOBAL', member: 'notes.txt'}),
    )
    expect(scanBuffer(sevenZip('good.7z', {'model.pkl': twin}), 'm.7z')).toMatchObject({
      format: '7z',
      verdict: 'clean',
    })
  })

  it('calls an encrypted archive unknown, and one that expands past the limit unknown', () => {
    const locked = scanBuffer(sevenZip('locked.7z', {'model.pkl': payload}, ['-psecret']), 'm.7z')
    expect(locked).toMatchObject({verdict: 'unknown', findings: [expect.objectContaining({code: 'ZIP_ENCRYPTED'})]})
    const hidden = scanBuffer(sevenZip('hidden.7z', {'model.pkl': payload}, ['-psecret', '-mhe=on']), 'm.7z')
    expect(hidden.verdict).toBe('unknown')
    const bomb = scanBuffer(sevenZip('bomb.7z', {'a.bin': Buffer.alloc(70 * 1024 * 1024)}), 'm.7z')
    expect(codes(bomb)).toEqual(['COMPRESSION_TOO_LARGE'])
  })

  it("caps 7-Zip's memory: a dictionary and output past the file's decode memory are unknown, saying so", () => {
    const big = sevenZip('dict.7z', {'m.pkl': Buffer.concat([twin, Buffer.alloc(40 * 1024 * 1024)])}, [
      '-mx9',
      '-md=64m',
    ])
    const report = scanBuffer(big, 'm.7z')
    expect(report.verdict).toBe('unknown')
    expect(report.findings).toEqual([expect.objectContaining({code: 'COMPRESSION_TOO_LARGE'})])
    expect(report.findings[0].message).toMatch(/MiB of memory/)
  })

  it('cuts members at their listed sizes, in archive order, and never trusts a name that forges listing lines', () => {
    const several = scanBuffer(
      sevenZip('several.7z', {
        'a.pkl': twin,
        'b.bin': Buffer.alloc(3000, 1),
        'c.txt': payload,
        'empty.pkl': Buffer.alloc(0),
      }),
      'm.7z',
    )
    expect(several.findings.filter((f) => f.code === 'PICKLE_DANGEROUS_GLOBAL').map((f) => f.member)).toEqual(['c.txt'])
    const forged = scanBuffer(sevenZip('forged.7z', {'x\nSize = 0': payload, 'y.pkl': twin}), 'm.7z')
    expect(['unsafe', 'unknown']).toContain(forged.verdict)
  })
})
