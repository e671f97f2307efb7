/**
 * `llmsec audit --image` on a docker save archive of about 1 GiB, side by side with `tar -x` of
 * the same file (what the old CI recipe did before it could even start auditing).
 *
 *   npx tsx bench/image.ts [--size-mib 1024] [--files 20000] [--dir /dev/shm]
 *
 * The archive is written by this script (node-tar's header encoder): a base layer of --files
 * small configuration-like files, a model layer (safetensors files filling the size) with a
 * world-writable model, and a top layer with whiteouts. Targets: audit ≤ 10 s, peak RSS < 200 MB.
 */
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, open, rm, type FileHandle} from 'node:fs/promises'
import {loadavg} from 'node:os'
import {join, resolve} from 'node:path'
import {parseArgs} from 'node:util'

import {Header} from 'tar'

import {runTool} from '../src/core/exec.js'
import {benchBase} from './bench-files.js'

const {values} = parseArgs({
  options: {
    'size-mib': {type: 'string', default: '1024'},
    files: {type: 'string', default: '20000'},
    dir: {type: 'string', default: benchBase},
  },
})
const sizeMiB = Math.min(8192, Math.max(64, Number(values['size-mib'])))
const fileCount = Math.min(200_000, Math.max(10, Number(values.files)))
const repo = resolve(import.meta.dirname, '..')
const bin = join(repo, 'bin', 'run.js')
const MiB = 1024 * 1024
const BLOCK = 512
const TIMEOUT = 600_000

/** Appends tar members to an open file, front to back. */
class TarWriter {
  at = 0
  constructor(private readonly handle: FileHandle) {}

  private async write(data: Buffer): Promise<void> {
    await this.handle.write(data, 0, data.length, this.at)
    this.at += data.length
  }

  async header(path: string, size: number, type = 'File', mode = 0o644, linkpath?: string): Promise<void> {
    const block = Buffer.alloc(BLOCK)
    new Header({path, size, type, mode, uid: 0, gid: 0, mtime: new Date('2026-01-01'), linkpath} as never).encode(
      block,
      0,
    )
    await this.write(block)
  }

  /** A member whose body is `head` then zeros up to `size`. */
  async file(path: string, size: number, head: Buffer = Buffer.alloc(0), mode = 0o644): Promise<void> {
    await this.header(path, size, 'File', mode)
    await this.write(head.subarray(0, size))
    const zeros = Buffer.alloc(4 * MiB)
    for (let left = size - Math.min(size, head.length); left > 0; left -= zeros.length)
      await this.write(zeros.subarray(0, Math.min(left, zeros.length)))
    await this.pad(size)
  }

  /** Zeros that end a body of `size` bytes on a block boundary. */
  async pad(size: number): Promise<void> {
    const pad = (BLOCK - (size % BLOCK)) % BLOCK
    if (pad) await this.write(Buffer.alloc(pad))
  }

  async end(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2))
  }
}

function safetensorsHead(): Buffer {
  const header = Buffer.from('{"__metadata__":{"format":"pt"}}')
  const length = Buffer.alloc(8)
  length.writeBigUInt64LE(BigInt(header.length))
  return Buffer.concat([length, header])
}

/** Writes one layer tar to `path` and returns its size. */
async function writeLayer(path: string, fill: (tar: TarWriter) => Promise<void>): Promise<number> {
  const handle = await open(path, 'w')
  try {
    const tar = new TarWriter(handle)
    await fill(tar)
    await tar.end()
    return tar.at
  } finally {
    await handle.close()
  }
}

async function makeImage(dir: string): Promise<string> {
  const layers = join(dir, 'layers')
  await mkdir(layers)
  const base = await writeLayer(join(layers, 'base.tar'), async (tar) => {
    await tar.header('etc/', 0, 'Directory', 0o755)
    await tar.file(
      'etc/os-release',
      60,
      Buffer.from('ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian 12"\n'.padEnd(60)),
    )
    await tar.file('etc/passwd', 32, Buffer.from('root:x:0:0:root:/root:/bin/bash\n'))
    for (let d = 0; d < Math.ceil(fileCount / 500); d++) {
      await tar.header(`usr/share/pkg${d}/`, 0, 'Directory', 0o755)
      for (let f = 0; f < 500 && d * 500 + f < fileCount; f++)
        await tar.file(`usr/share/pkg${d}/file${f}.conf`, 2048, Buffer.from(`# file ${f}\nkey=value\n`))
    }
  })
  const models = await writeLayer(join(layers, 'models.tar'), async (tar) => {
    await tar.header('srv/', 0, 'Directory', 0o755)
    await tar.header('srv/models/', 0, 'Directory', 0o755)
    const left = Math.max(MiB, sizeMiB * MiB - base - 2 * MiB)
    const each = Math.floor(left / 4 / BLOCK) * BLOCK
    for (let i = 0; i < 4; i++)
      await tar.file(`srv/models/shard-${i}.safetensors`, each, safetensorsHead(), i === 0 ? 0o666 : 0o644)
  })
  const top = await writeLayer(join(layers, 'top.tar'), async (tar) => {
    await tar.file('usr/share/pkg0/.wh.file0.conf', 0)
    await tar.file('usr/share/pkg1/.wh..wh..opq', 0)
  })
  const image = join(dir, 'image.tar')
  const handle = await open(image, 'w')
  try {
    const tar = new TarWriter(handle)
    const names: string[] = []
    for (const [name, size] of [
      ['base', base],
      ['models', models],
      ['top', top],
    ] as const) {
      await tar.header(`${name}/`, 0, 'Directory', 0o755)
      await tar.header(`${name}/layer.tar`, size)
      const source = await open(join(layers, `${name}.tar`), 'r')
      try {
        const chunk = Buffer.alloc(8 * MiB)
        for (let at = 0; at < size; at += chunk.length) {
          const {bytesRead} = await source.read(chunk, 0, chunk.length, at)
          await handle.write(chunk, 0, bytesRead, tar.at)
          tar.at += bytesRead
        }
      } finally {
        await source.close()
      }
      await tar.pad(size)
      names.push(`${name}/layer.tar`)
    }
    const config = Buffer.from(JSON.stringify({config: {User: 'vllm', Cmd: ['vllm', 'serve', '/srv/models']}}))
    await tar.file('config.json', config.length, config)
    const manifest = Buffer.from(JSON.stringify([{Config: 'config.json', RepoTags: ['bench/vllm:1'], Layers: names}]))
    await tar.file('manifest.json', manifest.length, manifest)
    await tar.end()
  } finally {
    await handle.close()
  }
  await rm(layers, {recursive: true})
  return image
}

interface Measure {
  seconds: number
  rssMb: number | null
  stdout: string
}

async function timed(command: string, args: string[], cwd?: string): Promise<Measure> {
  const hasTime = existsSync('/usr/bin/time')
  const [cmd, argv] = hasTime ? ['/usr/bin/time', ['-f', 'RSS_KB=%M', command, ...args]] : [command, args]
  const result = await runTool(cmd, argv, {timeoutMs: TIMEOUT, cwd})
  if (result.status !== 'ok' && result.status !== 'failed')
    throw new Error(`${command} ${args.join(' ')}: ${result.reason}\n${result.stderr}`)
  const rss = /RSS_KB=(\d+)/.exec(result.stderr)
  return {seconds: result.durationMs / 1000, rssMb: rss ? Number(rss[1]) / 1024 : null, stdout: result.stdout}
}

async function main(): Promise<void> {
  if (!existsSync(join(repo, 'dist', 'commands'))) throw new Error('run `npm run build` first')
  const dir = await mkdtemp(join(values.dir, 'llmsec-bench-image-'))
  try {
    const image = await makeImage(dir)
    const {size} = await (await import('node:fs/promises')).stat(image)
    console.log(`image: ${(size / MiB).toFixed(0)} MiB docker save archive, ${fileCount} small files, 4 model shards`)
    const audit = await timed(process.execPath, [bin, 'audit', '--image', image, '--ruleset', 'all', '--json'])
    const report = JSON.parse(audit.stdout) as {host: string; rules: {ruleId: string; status: string}[]}
    const writable = report.rules.find((r) => r.ruleId === 'models-not-world-writable')?.status
    const out = join(dir, 'extracted')
    await mkdir(out)
    const untar = await timed('tar', ['-xf', image, '-C', out])
    console.log(
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    )
    console.log('command                               seconds   peak RSS')
    console.log(
      `llmsec audit --image (all rulesets)   ${audit.seconds.toFixed(2).padStart(7)}   ${audit.rssMb?.toFixed(0) ?? '?'} MB`,
    )
    console.log(
      `tar -xf (the outer archive only)      ${untar.seconds.toFixed(2).padStart(7)}   ${untar.rssMb?.toFixed(0) ?? '?'} MB`,
    )
    console.log(`ratio audit / tar -x: ${(audit.seconds / untar.seconds).toFixed(2)}×`)
    console.log(`host: ${report.host}; models-not-world-writable: ${writable}`)
    const ok = audit.seconds <= 10 && (audit.rssMb ?? 0) < 200 && writable === 'fail'
    console.log(`targets (≤ 10 s, < 200 MB, the 0666 shard found): ${ok ? 'met' : 'NOT met'}`)
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

await main()
