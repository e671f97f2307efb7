/**
 * Bench for `llmsec scan`: run with `npx tsx bench/scan.ts` after `npm run build`.
 *
 * 1. A PyTorch zip checkpoint with 2 GiB of (sparse, zero) tensor storage vs the same with 2 MiB:
 *    the scan time ratio must be ≤ 2 (tensor bytes are never read).
 * 2. A directory of 1,000 small pickles: files/s must be ≥ 500.
 * Each input is also given to a picklescan-style peer (bench/peers/pickletools_scan.py, standard-library
 * pickletools) and the times are printed side by side. Inputs live in a temp dir, removed at the end.
 */
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {runTool} from '../src/core/exec.js'
import {scanFile, scanPaths} from '../src/scan/index.js'
import {listZip, openEntry} from '../src/scan/zip.js'
import {bufferSource} from '../src/scan/source.js'
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

async function timeCli(args: string[]): Promise<number> {
  const result = await runTool(process.execPath, [join(root, 'bin', 'run.js'), 'scan', ...args, '--json'], {
    timeoutMs: 300_000,
    maxBuffer: 64 * MiB,
  })
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`llmsec scan failed: ${result.stderr}`)
  return result.durationMs
}

async function timePeer(args: string[]): Promise<number | null> {
  const result = await runTool('/usr/bin/python3', [peer, ...args], {timeoutMs: 300_000, maxBuffer: 64 * MiB})
  return result.status === 'ok' ? result.durationMs : null
}

const fmt = (ms: number | null) => (ms === null ? 'n/a' : `${ms.toFixed(1)} ms`)

async function benchCheckpoints(dir: string): Promise<boolean> {
  const big = join(dir, 'big.pt')
  const small = join(dir, 'small.pt')
  writeCheckpoint(big, 8, 256 * MiB)
  writeCheckpoint(small, 8, 256 * 1024)
  const [bigMs, smallMs] = timeInProcess([big, small], 200)
  const engine = {big: bigMs, small: smallMs}
  const cli = {big: await timeCli([big]), small: await timeCli([small])}
  const peerTimes = {big: await timePeer([big]), small: await timePeer([small])}
  const ratio = engine.big / engine.small
  console.log('PyTorch zip checkpoint, 2 GiB vs 2 MiB of tensors (8 stored storages each)')
  console.log(
    `  llmsec engine   median big ${fmt(engine.big)}  small ${fmt(engine.small)}  ratio ${ratio.toFixed(2)} (limit 2)`,
  )
  console.log(
    `  llmsec CLI      big ${fmt(cli.big)}  small ${fmt(cli.small)}  ratio ${(cli.big / cli.small).toFixed(2)}`,
  )
  console.log(`  peer (python)   big ${fmt(peerTimes.big)}  small ${fmt(peerTimes.small)}`)
  if (peerTimes.big !== null)
    console.log(`  llmsec CLI / peer time ratio on the 2 GiB file ${(cli.big / peerTimes.big).toFixed(2)}`)
  return ratio <= 2
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
  const cliMs = await timeCli([pickles])
  const peerMs = await timePeer([pickles])
  const rate = (ms: number) => (1000 * result.files.length) / ms
  console.log('Directory of 1,000 small pickles')
  console.log(`  llmsec engine   ${fmt(engineMs)}  ${rate(engineMs).toFixed(0)} files/s (limit ≥ 500)`)
  console.log(`  llmsec CLI      ${fmt(cliMs)}  ${rate(cliMs).toFixed(0)} files/s (including Node and oclif start-up)`)
  console.log(`  peer (python)   ${fmt(peerMs)}  ${peerMs === null ? 'n/a' : rate(peerMs).toFixed(0)} files/s`)
  if (peerMs !== null) console.log(`  llmsec CLI / peer time ratio ${(cliMs / peerMs).toFixed(2)}`)
  return rate(engineMs) >= 500
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
  console.log(okCheckpoints && okPickles ? 'PASS' : 'FAIL')
  process.exitCode = okCheckpoints && okPickles ? 0 : 1
} finally {
  rmSync(dir, {recursive: true, force: true})
}
