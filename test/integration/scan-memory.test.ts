import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execaSync} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ScanResult} from '../../src/scan/index.js'
import {binPath} from '../helpers/cli.js'
import {hasTool, skipReason} from '../helpers/env.js'
import {hasGnuTime, runMeasured} from '../helpers/peak-rss.js'

const PYTHON = '/usr/bin/python3'
const MB = 1000 * 1000
/** The scan target: peak RSS under 200 MB on any single input (main thread, scan and decoder threads). */
const PEAK_LIMIT = 200 * MB

const pythonOk = execaSync(PYTHON, ['-c', 'import lzma, gzip, lz4.frame'], {reject: false}).exitCode === 0
const skip = !hasGnuTime || !pythonOk || !hasTool('7z')

/** Writes the inputs with Python's own compressors (what joblib uses) and 7z. */
const WRITE = `
import gzip, io, lzma, os, pickle, subprocess, sys, zipfile, lz4.frame
out = sys.argv[1]
def put(name, data):
    open(os.path.join(out, name), 'wb').write(data)
zeros = lambda mib: pickle.dumps(b'\\0' * (mib << 20), protocol=4)
put('xz-bomb.joblib', lzma.compress(zeros(80)))
put('xz-fits.joblib', lzma.compress(zeros(60)))
put('xz-big-dict.joblib', lzma.compress(zeros(60), filters=[{'id': lzma.FILTER_LZMA2, 'dict_size': 64 << 20}]))
put('gzip-bomb.joblib', gzip.compress(zeros(80)))
put('gzip-nested.pkl.gz', gzip.compress(gzip.compress(pickle.dumps(os.urandom(40 << 20), protocol=4), 1), 1))
put('lz4-bomb.joblib', lz4.frame.compress(zeros(80)))
def zipped(data):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('m.pkl', data)
    return buf.getvalue()
put('zip-member.zip', zipped(pickle.dumps(os.urandom(60 << 20), protocol=4)))
put('zip-in-gzip.pkl.gz', gzip.compress(zipped(pickle.dumps(os.urandom(40 << 20), protocol=4)), 1))
put('member.pkl', zeros(40))
subprocess.run(['7z', 'a', '-bso0', '-bsp0', os.path.join(out, 'fits.7z'), os.path.join(out, 'member.pkl')], check=True)
os.remove(os.path.join(out, 'member.pkl'))
`

describe.skipIf(skipReason(skip, 'memory tests need GNU time (/usr/bin/time), python3 with lz4 and 7z'))(
  'peak memory of llmsec scan on compressed inputs',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmsec-scan-memory-'))
    beforeAll(() => {
      execaSync(PYTHON, ['-c', WRITE, dir], {timeout: 120_000})
    }, 150_000)
    afterAll(() => rmSync(dir, {recursive: true, force: true}))

    async function scan(name: string) {
      const run = await runMeasured(process.execPath, [binPath, 'scan', join(dir, name), '--json'], {
        timeoutMs: 60_000,
      })
      const report = (JSON.parse(run.stdout) as ScanResult).files[0]
      return {exitCode: run.exitCode, peakRss: run.peakRss ?? Number.POSITIVE_INFINITY, report}
    }
    const codes = (report: {findings: {code: string}[]}) => report.findings.map((f) => f.code)

    it.each([
      ['xz-bomb.joblib', 'an xz zero bomb in a joblib file'],
      ['gzip-bomb.joblib', 'a gzip zero bomb'],
      ['lz4-bomb.joblib', 'an lz4 zero bomb'],
      ['xz-big-dict.joblib', 'an xz stream whose 64 MiB dictionary and output exceed the decode memory'],
      ['gzip-nested.pkl.gz', 'gzip in gzip, 40 MiB at each level'],
    ])(
      '%s (%s): unknown, never clean, under 200 MB',
      async (name) => {
        const {exitCode, peakRss, report} = await scan(name)
        expect(exitCode).toBe(1)
        expect(report.verdict).toBe('unknown')
        expect(codes(report)).toContain('COMPRESSION_TOO_LARGE')
        expect(peakRss).toBeLessThan(PEAK_LIMIT)
      },
      90_000,
    )

    // 7-Zip's heap grows by about 24 MiB to extract a 7z archive: its members get the rest of the memory.
    it.each([
      ['xz-fits.joblib', '60 MiB'],
      ['zip-member.zip', 'a deflated member of 60 MiB'],
      ['fits.7z', '40 MiB'],
    ])(
      '%s (%s inside the limits): analysed and clean, under 200 MB',
      async (name) => {
        const {exitCode, peakRss, report} = await scan(name)
        expect(report).toMatchObject({verdict: 'clean', findings: []})
        expect(exitCode).toBe(0)
        expect(peakRss).toBeLessThan(PEAK_LIMIT)
      },
      90_000,
    )

    it('says which budget stopped the decoder', async () => {
      const {report} = await scan('xz-big-dict.joblib')
      expect(report.findings[0].message).toMatch(/MiB of memory/)
    }, 90_000)
  },
)
