import {cpSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {atLeast} from '../../src/core/severity.js'
import type {FileReport, ScanResult} from '../../src/scan/index.js'
import {runCliJson} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {corpusUnavailable, scanCorpus, type Corpus} from '../helpers/scan-corpus.js'
import {PICKLESCAN_BENIGN, PICKLESCAN_UNREADABLE, picklescanRoot} from '../helpers/picklescan.js'

const failsGate = (file: FileReport) => file.findings.some((f) => atLeast(f.severity, 'high'))
const byName = (result: ScanResult, dir: string) => new Map(result.files.map((f) => [f.path.slice(dir.length + 1), f]))

const picklescan = picklescanRoot && join(picklescanRoot, 'testdata')

describe.skipIf(skipReason(!picklescan, '../shared/peers/picklescan/testdata is absent'))(
  "picklescan's test corpus",
  () => {
    let result: ScanResult
    beforeAll(async () => {
      result = (await runCliJson<ScanResult>(['scan', picklescan!], {timeoutMs: 120_000})).json
    })

    it('fails the default gate on every malicious file, with verdict unsafe or unknown', () => {
      const files = byName(result, picklescan!)
      const malicious = readdirSync(picklescan!).filter(
        (n) => !PICKLESCAN_BENIGN.includes(n) && !(n in PICKLESCAN_UNREADABLE),
      )
      expect(malicious.length).toBeGreaterThanOrEqual(95)
      for (const name of malicious) {
        const file = files.get(name)!
        expect(failsGate(file), name).toBe(true)
        expect(['unsafe', 'unknown'], name).toContain(file.verdict)
      }
    })

    it('passes every benign file; the PNG and the encrypted zip are unknown with their reason', () => {
      const files = byName(result, picklescan!)
      for (const name of PICKLESCAN_BENIGN) expect(failsGate(files.get(name)!), name).toBe(false)
      for (const [name, code] of Object.entries(PICKLESCAN_UNREADABLE))
        expect(files.get(name)).toMatchObject({verdict: 'unknown', findings: [expect.objectContaining({code})]})
    })
  },
)

const unavailable = corpusUnavailable()

describe.skipIf(skipReason(unavailable !== null, unavailable ?? ''))(
  'the adversarial corpus (fixtures/scan/corpus.py)',
  () => {
    let corpus: Corpus
    let result: ScanResult
    let exitCode: number
    beforeAll(async () => {
      corpus = scanCorpus()
      const run = await runCliJson<ScanResult>(['scan', corpus.dir], {timeoutMs: 180_000})
      result = run.json
      exitCode = run.exitCode
    })

    it('covers at least 60 malicious files and their benign twins', () => {
      expect(corpus.entries.filter((e) => e.kind === 'malicious').length).toBeGreaterThanOrEqual(60)
      expect(corpus.entries.filter((e) => e.kind === 'benign').length).toBeGreaterThanOrEqual(25)
    })

    it('fails every malicious file with verdict unsafe or unknown and the code that names its technique', () => {
      const files = byName(result, corpus.dir)
      for (const entry of corpus.entries.filter((e) => e.kind === 'malicious')) {
        const file = files.get(entry.name)!
        expect(failsGate(file), `${entry.name}: ${entry.technique}`).toBe(true)
        expect(['unsafe', 'unknown'], entry.name).toContain(file.verdict)
        if (entry.code)
          expect(
            file.findings.map((f) => f.code),
            entry.name,
          ).toContain(entry.code)
      }
    })

    it('calls every malformed file malformed, with the code of the loader rule it breaks', () => {
      const files = byName(result, corpus.dir)
      for (const entry of corpus.entries.filter((e) => e.kind === 'malformed')) {
        const file = files.get(entry.name)!
        expect(file.verdict, `${entry.name}: ${entry.technique}`).toBe('malformed')
        if (entry.code)
          expect(
            file.findings.map((f) => f.code),
            entry.name,
          ).toContain(entry.code)
      }
    })

    it('keeps every benign twin clean', () => {
      const files = byName(result, corpus.dir)
      for (const entry of corpus.entries.filter((e) => e.kind === 'benign'))
        expect(files.get(entry.name), `${entry.name}: ${entry.technique}`).toMatchObject({verdict: 'clean'})
    })

    it('gives every crash and hang input its own result, and the run never exits 3', () => {
      expect(exitCode).toBe(1)
      const files = byName(result, corpus.dir)
      for (const entry of corpus.entries) expect(files.has(entry.name), entry.name).toBe(true)
      for (const file of result.files) expect(file.findings.map((f) => f.code)).not.toContain('SCAN_INTERNAL_ERROR')
    })
  },
)

describe.skipIf(skipReason(unavailable !== null, unavailable ?? ''))(
  'a directory of crash and hang inputs beside normal files',
  () => {
    let dir: string
    beforeAll(() => {
      const corpus = scanCorpus()
      dir = mkdtempSync(join(tmpdir(), 'llmsec-scan-crash-'))
      cpSync(join(corpus.dir, 'crash'), join(dir, 'crash'), {recursive: true})
      cpSync(join(corpus.dir, 'torch', 'zip.pt'), join(dir, 'zip.pt'))
      cpSync(join(corpus.dir, 'numpy', 'float.npy'), join(dir, 'float.npy'))
    })
    afterAll(() => rmSync(dir, {recursive: true, force: true}))

    it('finishes with a result for every file, the normal ones clean, and no exit 3', async () => {
      const run = await runCliJson<ScanResult>(['scan', dir, '--file-timeout', '20s'], {timeoutMs: 120_000})
      expect(run.exitCode).toBe(1)
      expect(run.json.files).toHaveLength(readdirSync(join(dir, 'crash')).length + 2)
      const files = byName(run.json, dir)
      expect(files.get('zip.pt')?.verdict).toBe('clean')
      expect(files.get('float.npy')?.verdict).toBe('clean')
    })
  },
)
