/**
 * Bench for `llmsec scan`: run with `npx tsx bench/scan.ts` after `npm run build`.
 *
 * 1. A PyTorch zip checkpoint with 2 GiB of (sparse, zero) tensor storage vs the same with 2 MiB:
 *    the scan time ratio must be ≤ 2 (tensor bytes are never read).
 * 2. A directory of 1,000 small pickles: files/s must be ≥ 500.
 * 3. An xz zero bomb in a joblib file: the CLI's peak RSS must stay under 200 MB (as on every input).
 * Each input is also given to a picklescan-style peer (bench/peers/pickletools_scan.py, standard-library
 * pickletools); times and peak RSS (GNU time, all threads) are printed side by side with their ratio. Inputs live in a temp dir, removed at the end.
 */
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {scanFile, scanPaths} from '../src/scan/index.js'
import {listZip, openEntry} from '../src/scan/zip.js'
import {bufferSource} from '../src/scan/source.js'
import {runTool} from '../src/core/exec.js'
import {runMeasured} from '../test/helpers/peak-rss.js'
import {writeSparseCheckpoint} from '../test/helpers/sparse-checkpoint.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = join(root, 'fixtures', 'scan')
const peer = join(root, 'bench', 'peers', 'pickletools_scan.py')
const MiB = 1024 * 1024

/** The data.pkl of the benign torch fixture: a real state-dict pickle. */
function realDataPkl(): Buffer {
  const source = bufferSource(readFileSync(join(fixtures, 'torch-zip-benign.pt')))
  const entry = listZip(source).entries.find((e) => e.name.endsWith('data.pkl'))!
  const opened = openEntry(source, entry)
  if ('code' in opened) throw new Error(opened.message)
  return opened.source.read(0, opened.source.size)
}

function writeCheckpoint(path: string, storages: number, storageSize: number): void {
  const pickles = [
    {name: 'ckpt/data.pkl', data: realDataPkl()},
    {name: 'ckpt/version', data: Buffer.from('3\n')},
  ]
  writeSparseCheckpoint(path, pickles, storages, storageSize)
}

/** Median in-process scan time of each file, runs interleaved so machine load hits both alike. */
function timeInProcess(paths: string[], repeat: number): number[] {
  const samples = paths.map(() => [] as number[])
  for (let i = 0; i < repeat; i++) {
    paths.forEach((path, k) => {
      const started = performance.now()
      scanFile(path)
      samples[k].push(performance.now() - started)
    })
  }
  return samples.map((s) => s.sort((x, y) => x - y)[Math.floor(s.length / 2)])
}

/** Wall time and peak RSS (GNU time, all threads) of one run. */
interface Run {
  ms: number
  rss: number | null
}

async function timeCli(args: string[]): Promise<Run> {
  const result = await runMeasured(process.execPath, [join(root, 'bin', 'run.js'), 'scan', ...args, '--json'], {
    timeoutMs: 300_000,
    maxBuffer: 64 * MiB,
  })
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`llmsec scan failed: ${result.stderr}`)
  return {ms: result.durationMs, rss: result.peakRss}
}

async function timePeer(args: string[]): Promise<Run | null> {
  const result = await runMeasured('/usr/bin/python3', [peer, ...args], {timeoutMs: 300_000, maxBuffer: 64 * MiB})
  return result.status === 'ok' ? {ms: result.durationMs, rss: result.peakRss} : null
}

const fmt = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'n/a' : `${ms.toFixed(1)} ms`)
const mb = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? 'n/a' : `${(bytes / 1e6).toFixed(0)} MB`

/** Peak RSS of llmsec's CLI and the peer on one input, side by side, and their ratio. */
function printRss(what: string, cli: Run, peerRun: Run | null): void {
  const ratio = cli.rss && peerRun?.rss ? ` ratio ${(cli.rss / peerRun.rss).toFixed(2)}` : ''
  console.log(`  peak RSS ${what}: llmsec CLI ${mb(cli.rss)}  peer ${mb(peerRun?.rss)}${ratio} (target < 200 MB)`)
}

/** The scan target's memory bound: peak RSS under 200 MB on any single input. */
const RSS_LIMIT = 200 * 1000 * 1000
const underLimit = (run: Run) => run.rss !== null && run.rss < RSS_LIMIT

async function benchCheckpoints(dir: string): Promise<boolean> {
  const big = join(dir, 'big.pt')
  const small = join(dir, 'small.pt')
  writeCheckpoint(big, 8, 256 * MiB)
  writeCheckpoint(small, 8, 256 * 1024)
  const [bigMs, smallMs] = timeInProcess([big, small], 200)
  const engine = {big: bigMs, small: smallMs}
  const cli = {big: await timeCli([big]), small: await timeCli([small])}
  const peerRuns = {big: await timePeer([big]), small: await timePeer([small])}
  const ratio = engine.big / engine.small
  console.log('PyTorch zip checkpoint, 2 GiB vs 2 MiB of tensors (8 stored storages each)')
  console.log(
    `  llmsec engine   median big ${fmt(engine.big)}  small ${fmt(engine.small)}  ratio ${ratio.toFixed(2)} (limit 2)`,
  )
  console.log(
    `  llmsec CLI      big ${fmt(cli.big.ms)}  small ${fmt(cli.small.ms)}  ratio ${(cli.big.ms / cli.small.ms).toFixed(2)}`,
  )
  console.log(`  peer (python)   big ${fmt(peerRuns.big?.ms)}  small ${fmt(peerRuns.small?.ms)}`)
  if (peerRuns.big)
    console.log(`  llmsec CLI / peer time ratio on the 2 GiB file ${(cli.big.ms / peerRuns.big.ms).toFixed(2)}`)
  printRss('on the 2 GiB file', cli.big, peerRuns.big)
  printRss('on the 2 MiB file', cli.small, peerRuns.small)
  return ratio <= 2 && underLimit(cli.big) && underLimit(cli.small)
}

async function benchManyPickles(dir: string): Promise<boolean> {
  const pickles = join(dir, 'pickles')
  mkdirSync(pickles)
  const sources = [0, 1, 2, 3, 4, 5]
    .map((p) => join(fixtures, `pickle-benign-p${p}.pkl`))
    .concat(join(fixtures, 'torch-legacy-benign.pt'))
  for (let i = 0; i < 1000; i++)
    copyFileSync(sources[i % sources.length], join(pickles, `model-${String(i).padStart(4, '0')}.pkl`))
  await scanPaths([pickles])
  const started = performance.now()
  const result = await scanPaths([pickles])
  const engineMs = performance.now() - started
  const cli = await timeCli([pickles])
  const peerRun = await timePeer([pickles])
  const rate = (ms: number) => (1000 * result.files.length) / ms
  console.log('Directory of 1,000 small pickles')
  console.log(`  llmsec engine   ${fmt(engineMs)}  ${rate(engineMs).toFixed(0)} files/s (limit ≥ 500)`)
  console.log(
    `  llmsec CLI      ${fmt(cli.ms)}  ${rate(cli.ms).toFixed(0)} files/s (including Node and oclif start-up)`,
  )
  console.log(`  peer (python)   ${fmt(peerRun?.ms)}  ${peerRun ? rate(peerRun.ms).toFixed(0) : 'n/a'} files/s`)
  if (peerRun) console.log(`  llmsec CLI / peer time ratio ${(cli.ms / peerRun.ms).toFixed(2)}`)
  printRss('on the directory', cli, peerRun)
  return rate(engineMs) >= 500 && underLimit(cli)
}

/** An xz zero bomb in a joblib file (80 MiB of zeros as one pickle): the memory target's worst input. */
async function benchXzBomb(dir: string): Promise<boolean> {
  const bomb = join(dir, 'bomb.joblib')
  const write = `import lzma, pickle, sys; open(sys.argv[1], 'wb').write(lzma.compress(pickle.dumps(b'\\0' * (80 << 20), protocol=4)))`
  const made = await runTool('/usr/bin/python3', ['-c', write, bomb], {timeoutMs: 120_000})
  if (made.status !== 'ok') {
    console.log(`xz zero bomb skipped: /usr/bin/python3 could not write it (${made.reason})`)
    return true
  }
  const cli = await timeCli([bomb])
  const peerRun = await timePeer([bomb])
  console.log('xz zero bomb in a joblib file (80 MiB of zeros)')
  console.log(`  llmsec CLI ${fmt(cli.ms)}  peer ${fmt(peerRun?.ms)}`)
  printRss('on the bomb', cli, peerRun)
  return underLimit(cli)
}

// The pass criteria use the engine figures; CLI figures add Node/oclif start-up and depend on machine load.
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
)
const dir = mkdtempSync(join(tmpdir(), 'llmsec-bench-scan-'))
try {
  const okCheckpoints = await benchCheckpoints(dir)
  const okPickles = await benchManyPickles(dir)
  const okBomb = await benchXzBomb(dir)
  const ok = okCheckpoints && okPickles && okBomb
  console.log(ok ? 'PASS' : 'FAIL')
  process.exitCode = ok ? 0 : 1
} finally {
  rmSync(dir, {recursive: true, force: true})
}
