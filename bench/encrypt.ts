/**
 * llmsec encrypt/decrypt against age (X25519 recipient) and `openssl enc -aes-256-ctr` (no
 * authentication: the ceiling), each timed as a whole command on the same input.
 *
 *   npx tsx bench/encrypt.ts [--size-mib 2048] [--dir /dev/shm] [--runs 3]
 *
 * Input and output live in --dir (default /dev/shm, so the disk is not what is measured).
 * Prints seconds, GB/s and peak RSS per command (best of --runs) and the speed ratios.
 */
import {createHash, generateKeyPairSync, randomBytes} from 'node:crypto'
import {createReadStream, existsSync} from 'node:fs'
import {mkdtemp, open, rm, writeFile} from 'node:fs/promises'
import {availableParallelism, loadavg} from 'node:os'
import {join, resolve} from 'node:path'
import {parseArgs} from 'node:util'

import {runTool} from '../src/core/exec.js'
import {ensureRoom} from './bench-files.js'

const {values} = parseArgs({
  options: {
    'size-mib': {type: 'string', default: '2048'},
    dir: {type: 'string', default: '/dev/shm'},
    runs: {type: 'string', default: '3'},
  },
})
const sizeMiB = Math.min(8192, Math.max(16, Number(values['size-mib'])))
const runs = Math.min(5, Math.max(1, Number(values.runs)))
const size = sizeMiB * 1024 * 1024
const repo = resolve(import.meta.dirname, '..')
const bin = join(repo, 'bin', 'run.js')
const hasTime = existsSync('/usr/bin/time')
const TIMEOUT = 600_000

interface Measure {
  seconds: number
  /** user + system CPU seconds (all threads), from /usr/bin/time. */
  cpuSeconds?: number
  rssMb?: number
}

async function timed(command: string, args: string[], env?: Record<string, string>): Promise<Measure> {
  const [cmd, argv] = hasTime ? ['/usr/bin/time', ['-f', 'RSS_KB=%M CPU=%U+%S', command, ...args]] : [command, args]
  const result = await runTool(cmd, argv, {timeoutMs: TIMEOUT, env})
  if (result.status !== 'ok') throw new Error(`${command} ${args.join(' ')}: ${result.reason}\n${result.stderr}`)
  const rss = /RSS_KB=(\d+)/.exec(result.stderr)
  const cpu = /CPU=([\d.]+)\+([\d.]+)/.exec(result.stderr)
  return {
    seconds: result.durationMs / 1000,
    cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined,
    rssMb: rss ? Number(rss[1]) / 1024 : undefined,
  }
}

async function makeInput(path: string): Promise<void> {
  const block = randomBytes(1024 * 1024)
  const handle = await open(path, 'w')
  try {
    for (let at = 0, i = 0; at < size; at += block.length, i++) {
      block.writeUInt32BE(i, 0)
      await handle.write(block, 0, block.length, at)
    }
  } finally {
    await handle.close()
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, {highWaterMark: 4 << 20})) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function best(list: Measure[]): Measure {
  const fastest = list.reduce((a, b) => (b.seconds < a.seconds ? b : a))
  const rss = list.map((m) => m.rssMb ?? 0)
  // CPU is summed over threads and less sensitive to neighbours than wall time: the least of the runs.
  const cpu = list.map((m) => m.cpuSeconds).filter((c): c is number => c !== undefined)
  return {
    ...fastest,
    cpuSeconds: cpu.length > 0 ? Math.min(...cpu) : undefined,
    rssMb: rss.some(Boolean) ? Math.max(...rss) : undefined,
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(repo, 'dist', 'commands'))) throw new Error('dist/ is missing: run `npm run build` first.')
  for (const tool of ['age', 'age-keygen', 'openssl']) {
    if ((await runTool(tool, ['--version'])).status === 'missing')
      throw new Error(`${tool} is not installed (apt-get install age openssl)`)
  }
  // The input and, at most, three ciphertexts and three plaintexts at once.
  await ensureRoom(values.dir!, 7 * sizeMiB)
  const dir = await mkdtemp(join(values.dir!, 'llmsec-bench-'))
  try {
    const input = join(dir, 'model.bin')
    await makeInput(input)
    const ageKey = join(dir, 'age.key')
    await runTool('age-keygen', ['-o', ageKey])
    const ageRecipient = (await runTool('age-keygen', ['-y', ageKey])).stdout.trim()
    const pair = generateKeyPairSync('x25519')
    await writeFile(join(dir, 'x.pem'), pair.privateKey.export({type: 'pkcs8', format: 'pem'}))
    await writeFile(join(dir, 'x.pub'), pair.publicKey.export({type: 'spki', format: 'pem'}))
    const hexKey = randomBytes(32).toString('hex')
    const iv = randomBytes(16).toString('hex')
    const node = process.execPath
    const commands: Record<string, [string, string[]]> = {
      'llmsec encrypt': [
        node,
        [bin, 'encrypt', input, '-r', join(dir, 'x.pub'), '-o', join(dir, 'l.enc'), '--force', '-q'],
      ],
      'llmsec decrypt': [
        node,
        // The ciphertext's name differs from the one it was made for (model.bin): accepted explicitly.
        [
          bin,
          'decrypt',
          join(dir, 'l.enc'),
          '-i',
          join(dir, 'x.pem'),
          '-o',
          join(dir, 'l.out'),
          '--force',
          '--allow-renamed',
          '-q',
        ],
      ],
      'age encrypt': ['age', ['-r', ageRecipient, '-o', join(dir, 'a.enc'), input]],
      'age decrypt': ['age', ['-d', '-i', ageKey, '-o', join(dir, 'a.out'), join(dir, 'a.enc')]],
      'openssl encrypt': [
        'openssl',
        ['enc', '-aes-256-ctr', '-K', hexKey, '-iv', iv, '-in', input, '-out', join(dir, 'o.enc')],
      ],
      'openssl decrypt': [
        'openssl',
        ['enc', '-d', '-aes-256-ctr', '-K', hexKey, '-iv', iv, '-in', join(dir, 'o.enc'), '-out', join(dir, 'o.out')],
      ],
    }
    const results: Record<string, Measure[]> = {}
    for (let run = 0; run < runs; run++) {
      // Interleaved so that a noisy neighbour hits every tool alike.
      for (const [name, [cmd, args]] of Object.entries(commands)) {
        ;(results[name] ??= []).push(await timed(cmd, args))
        // Decrypt outputs are removed between tools to keep tmpfs usage bounded.
        if (name.endsWith('decrypt') && run < runs - 1)
          await rm(join(dir, name.startsWith('llmsec') ? 'l.out' : name.startsWith('age') ? 'a.out' : 'o.out'), {
            force: true,
          })
      }
    }
    const same = (await sha256(input)) === (await sha256(join(dir, 'l.out')))
    report(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, best(v)])), same)
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

function report(r: Record<string, Measure>, same: boolean): void {
  const gbps = (m: Measure) => (size / m.seconds / 1e9).toFixed(2)
  console.log(`input ${sizeMiB} MiB in ${values.dir}, best of ${runs} run(s), whole commands (incl. startup)`)
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  )
  if (loadavg()[0] > availableParallelism()) console.log('warning: the machine is busy; wall times are noisy')
  console.log('command            seconds   GB/s   CPU s   peak RSS')
  for (const [name, m] of Object.entries(r)) {
    const cpu = m.cpuSeconds === undefined ? 'n/a' : m.cpuSeconds.toFixed(2)
    const rss = m.rssMb ? `${m.rssMb.toFixed(0)} MB` : 'n/a'
    console.log(
      `${name.padEnd(18)} ${m.seconds.toFixed(2).padStart(7)} ${gbps(m).padStart(6)} ${cpu.padStart(7)}   ${rss}`,
    )
  }
  const ratio = (a: string, b: string) => (r[b].seconds / r[a].seconds).toFixed(2)
  console.log(
    `llmsec/age speed:     encrypt ${ratio('llmsec encrypt', 'age encrypt')}×  decrypt ${ratio('llmsec decrypt', 'age decrypt')}×  (targets ≥ 1.3× / ≥ 1.5×)`,
  )
  const cpuRatio = (a: string, b: string) => {
    const [x, y] = [r[a].cpuSeconds, r[b].cpuSeconds]
    return x === undefined || y === undefined ? 'n/a' : `${(x / y).toFixed(2)}×`
  }
  console.log(
    `llmsec/age CPU:       encrypt ${cpuRatio('llmsec encrypt', 'age encrypt')}  decrypt ${cpuRatio('llmsec decrypt', 'age decrypt')}  (target ≤ 1.0×)`,
  )
  console.log(
    `llmsec/openssl-ctr:   encrypt ${ratio('llmsec encrypt', 'openssl encrypt')}×  decrypt ${ratio('llmsec decrypt', 'openssl decrypt')}×  (unauthenticated ceiling)`,
  )
  console.log(`llmsec round trip byte-identical: ${same}`)
}

try {
  await main()
} catch (error) {
  // A bench that cannot run (no room, no peer tool, no build) says why in one line.
  console.error(`bench/encrypt: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 2
}
