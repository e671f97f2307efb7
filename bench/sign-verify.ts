// Whole `llmsec sign` and `llmsec verify` commands against `openssl dgst -sha256`, side by side
// in one run on tmpfs: one 2 GiB file, and a directory of 4 files with the same 2 GiB in total.
// Run: npm run build && npx tsx bench/sign-verify.ts   (BENCH_DIR, BENCH_SIZE_MIB, BENCH_ROUNDS to tune)
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, rm} from 'node:fs/promises'
import {availableParallelism, loadavg} from 'node:os'
import {join, resolve} from 'node:path'

import {runTool} from '../src/core/exec.js'
import {benchBase, ensureRoom, fillFile} from './bench-files.js'

const repo = resolve(import.meta.dirname, '..')
const run = join(repo, 'bin', 'run.js')
const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 2048)
const rounds = Math.max(1, Math.min(20, Number(process.env.BENCH_ROUNDS ?? 5)))
const base = benchBase

const cpu: Record<string, number> = {}

/** Wall milliseconds of one command (it must succeed); its least CPU time (user + system) is kept under `label`. */
async function timed(command: string, args: string[], label = ''): Promise<number> {
  const started = performance.now()
  const result = await runTool('/usr/bin/time', ['-f', '%U %S', command, ...args], {timeoutMs: 600_000})
  if (result.status !== 'ok') throw new Error(`${command} ${args.join(' ')}: ${result.reason}`)
  const ms = performance.now() - started
  const [user, system] = result.stderr.trim().split('\n').at(-1)?.split(' ').map(Number) ?? [0, 0]
  if (label) cpu[label] = Math.min(cpu[label] ?? Infinity, (user + system) * 1000)
  return ms
}

const llmsec = (label: string, ...args: string[]) => timed(process.execPath, [run, ...args, '--json'], label)

async function main(): Promise<void> {
  if (!existsSync(join(repo, 'dist', 'commands', 'sign.js'))) throw new Error('Run `npm run build` first.')
  await mkdir(base, {recursive: true})
  // One file and a directory of the same size in all.
  await ensureRoom(base, 2 * sizeMiB)
  const dir = await mkdtemp(join(base, 'llmsec-bench-sign-'))
  try {
    const single = join(dir, 'model.bin')
    const model = join(dir, 'model')
    await mkdir(model)
    const parts = [0, 1, 2, 3].map((i) => join(model, `shard-${i}.bin`))
    await fillFile(single, sizeMiB)
    for (const part of parts) await fillFile(part, sizeMiB / 4)
    await timed(process.execPath, [run, 'keys', 'generate', '--output', join(dir, 'keys')])
    const priv = join(dir, 'keys', 'private.pem')
    const pub = join(dir, 'keys', 'public.pem')
    const best = {openssl: Infinity, sign: Infinity, verify: Infinity, signDir: Infinity, verifyDir: Infinity}
    const take = (key: keyof typeof best, ms: number) => (best[key] = Math.min(best[key], ms))
    // Interleaved, best of N: the machine is shared, so single runs are noisy.
    for (let round = 0; round < rounds; round++) {
      take('openssl', await timed('openssl', ['dgst', '-sha256', single], 'openssl'))
      take('sign', await llmsec('sign', 'sign', single, '--key', priv))
      take('verify', await llmsec('verify', 'verify', single, '--key', pub))
      take('signDir', await llmsec('signDir', 'sign', model, '--key', priv))
      take('verifyDir', await llmsec('verifyDir', 'verify', model, '--key', pub))
    }
    const rate = (ms: number) => (sizeMiB / (ms / 1000)).toFixed(0)
    const ratio = (ms: number) => (best.openssl / ms).toFixed(2)
    console.log(
      `files in ${dir}; best of ${rounds} interleaved rounds, page cache warm; ${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)}`,
    )
    console.log(
      `openssl dgst -sha256, one ${sizeMiB} MiB file: ${best.openssl.toFixed(0)} ms (${rate(best.openssl)} MiB/s)`,
    )
    const cpuLine = Object.entries(cpu).map(([name, ms]) => `${name} ${ms.toFixed(0)}`)
    console.log(`least CPU ms (user + system, not slowed by other load): ${cpuLine.join(', ')}`)
    for (const [name, ms] of [
      ['llmsec sign   (one file)', best.sign],
      ['llmsec verify (one file)', best.verify],
    ] as const) {
      console.log(`${name}: ${ms.toFixed(0)} ms (${rate(ms)} MiB/s)   openssl/llmsec ${ratio(ms)} (target >= 0.9)`)
    }
    for (const [name, ms] of [
      ['llmsec sign   (4 files)', best.signDir],
      ['llmsec verify (4 files)', best.verifyDir],
    ] as const) {
      console.log(
        `${name}: ${ms.toFixed(0)} ms (${rate(ms)} MiB/s)   vs one openssl stream ${ratio(ms)} (target >= 1.6)   vs llmsec one file ${(best.sign / ms).toFixed(2)}`,
      )
    }
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

try {
  await main()
} catch (error) {
  // A bench that cannot run (no room, no peer tool, no build) says why in one line.
  console.error(`bench/sign-verify: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 2
}
