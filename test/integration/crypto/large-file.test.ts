import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readdir, rm, stat, statfs, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {binPath, runCli} from '../../helpers/cli.js'
import {hashFile, makeTempDir, writeLargeFile} from '../../helpers/crypto-keys.js'
import {skipReason} from '../../helpers/env.js'

const SIZE = 2 * 1024 ** 3
let dir = ''
let input = ''
let keyFile = ''
let inputHash = ''
let enoughSpace = false

beforeAll(async () => {
  dir = await makeTempDir('crypto-large', true)
  const {bavail, bsize} = await statfs(dir)
  enoughSpace = bavail * bsize > 2.2 * SIZE
  if (!enoughSpace) return
  input = join(dir, 'model.bin')
  keyFile = join(dir, 'k.key')
  await writeFile(keyFile, randomBytes(32))
  await writeLargeFile(input, SIZE)
  inputHash = await hashFile(input)
}, 240_000)
afterAll(async () => {
  if (dir) await rm(dir, {recursive: true, force: true})
})

async function waitForTemp(name: string, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    const entries = await readdir(dir)
    if (entries.some((e) => e.startsWith(`.${name}.`) && e.endsWith('.tmp'))) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return false
}

describe('a 2 GiB model file through the built CLI (worker threads from dist/)', () => {
  it('an encrypt killed halfway leaves the plaintext intact and no file at the final name', async (context) => {
    if (skipReason(!enoughSpace, `less than ${(2.2 * SIZE) / 1024 ** 3} GiB free in ${dir}`)) return context.skip()
    const child = spawn(process.execPath, [binPath, 'encrypt', input, '--key-file', keyFile, '--workers', '1'], {
      stdio: 'ignore',
    })
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    const started = await waitForTemp('model.bin.llmsec', Date.now() + 60_000)
    expect(started).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 300))
    process.kill(child.pid!, 'SIGKILL')
    expect(await exited).toBe('SIGKILL')
    await expect(stat(`${input}.llmsec`)).rejects.toThrow()
    expect((await stat(input)).size).toBe(SIZE)
    expect(await hashFile(input)).toBe(inputHash)
    for (const entry of await readdir(dir)) if (entry.endsWith('.tmp')) await rm(join(dir, entry))
  }, 180_000)

  it('an encrypt stopped with SIGTERM also removes its temporary file', async (context) => {
    if (skipReason(!enoughSpace, `not enough space in ${dir}`)) return context.skip()
    const child = spawn(process.execPath, [binPath, 'encrypt', input, '--key-file', keyFile, '--workers', '1'], {
      stdio: 'ignore',
    })
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    expect(await waitForTemp('model.bin.llmsec', Date.now() + 60_000)).toBe(true)
    process.kill(child.pid!, 'SIGTERM')
    expect(await exited).toBe('SIGTERM')
    expect((await readdir(dir)).filter((e) => e.includes('model.bin.llmsec'))).toEqual([])
  }, 120_000)

  it('round-trips byte for byte (compared by streaming SHA-256)', async (context) => {
    if (skipReason(!enoughSpace, `not enough space in ${dir}`)) return context.skip()
    const enc = await runCli(['encrypt', input, '--key-file', keyFile], {timeoutMs: 240_000})
    expect(enc.exitCode, enc.stderr).toBe(0)
    await rm(input)
    const out = join(dir, 'model.out')
    const dec = await runCli(['decrypt', `${input}.llmsec`, '--key-file', keyFile, '-o', out], {timeoutMs: 240_000})
    expect(dec.exitCode, dec.stderr).toBe(0)
    expect((await stat(out)).size).toBe(SIZE)
    expect(await hashFile(out)).toBe(inputHash)
  }, 480_000)
})
