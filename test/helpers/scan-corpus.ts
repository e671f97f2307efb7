import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {execaSync} from 'execa'

import {repoRoot} from './cli.js'

export interface CorpusEntry {
  name: string
  kind: 'malicious' | 'benign' | 'malformed' | 'crash'
  technique: string
  code: string | null
}

export interface Corpus {
  dir: string
  entries: CorpusEntry[]
}

const SCRIPT = join(repoRoot, 'fixtures', 'scan', 'corpus.py')
const PYTHON = '/usr/bin/python3'

/** Why the corpus cannot be built here (missing Python modules or 7z), or null. */
export function corpusUnavailable(): string | null {
  const probe = execaSync(PYTHON, ['-c', 'import torch, numpy, h5py, joblib, onnx, lz4'], {reject: false})
  if (probe.exitCode !== 0)
    return 'the adversarial corpus needs Debian python3-torch, -numpy, -h5py, -joblib, -onnx and -lz4'
  if (execaSync('7z', ['i'], {reject: false}).exitCode !== 0) return 'the adversarial corpus needs 7z (p7zip-full)'
  return null
}

/**
 * The adversarial corpus of fixtures/scan/corpus.py, built once per version of the script into a
 * cache directory (a temporary directory renamed into place, so concurrent test files share one).
 */
export function scanCorpus(): Corpus {
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 16)
  const cache = join(repoRoot, 'node_modules', '.cache', 'llmsec-scan-corpus')
  const dir = join(cache, hash)
  if (!existsSync(join(dir, 'manifest.json'))) {
    mkdirSync(cache, {recursive: true})
    const building = join(cache, `${hash}.${process.pid}.tmp`)
    rmSync(building, {recursive: true, force: true})
    execaSync(PYTHON, [SCRIPT, building], {timeout: 300_000})
    try {
      renameSync(building, dir)
    } catch {
      rmSync(building, {recursive: true, force: true}) // another worker finished first
    }
  }
  return {dir, entries: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[]}
}
