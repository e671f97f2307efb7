import {randomBytes} from 'node:crypto'
import {chmod, chown, mkdir, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, runCliJson, unprivilegedPrefix} from '../helpers/cli.js'
import {makeTempDir} from '../helpers/crypto-keys.js'
import {isRoot, skipReason} from '../helpers/env.js'

let dir: string
let keyFile: string
const SPECIAL = 0o7000
const WORLD_WRITE = 0o002

beforeAll(async () => {
  dir = await makeTempDir('crypto-modes')
  await chmod(dir, 0o755)
  keyFile = join(dir, 'vault.key')
  await writeFile(keyFile, randomBytes(32))
  await chmod(keyFile, 0o644)
  await writeFile(join(dir, 'payload.bin'), '#!/bin/sh\nid\n')
  const enc = await runCli(['encrypt', join(dir, 'payload.bin'), '--key-file', keyFile])
  expect(enc.exitCode, enc.stderr).toBe(0)
  // What an attacker with the public key would hand over: a valid ciphertext with every mode bit set.
  await chmod(join(dir, 'payload.bin.llmsec'), 0o4777)
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('decrypt never grants privileges', () => {
  it('as root, a 4777 ciphertext decrypts to 0644 minus the umask: no setuid, no world-write', async (context) => {
    if (skipReason(!isRoot, 'decrypting as root needs root')) return context.skip()
    const out = join(dir, 'root-out')
    const run = await runCli(['decrypt', join(dir, 'payload.bin.llmsec'), '--key-file', keyFile, '-o', out])
    expect(run.exitCode, run.stderr).toBe(0)
    const info = await stat(out)
    expect(info.mode & SPECIAL).toBe(0)
    expect(info.mode & WORLD_WRITE).toBe(0)
    expect(info.mode & 0o777).toBe(0o644 & ~process.umask())
    expect(info.uid).toBe(0)
  })

  it('--mode sets the bits asked for, and refuses setuid, setgid, sticky and world-write (exit 2)', async () => {
    const ok = await runCli([
      'decrypt',
      join(dir, 'payload.bin.llmsec'),
      '--key-file',
      keyFile,
      '-o',
      join(dir, 'mode-out'),
      '--mode',
      '0750',
    ])
    expect(ok.exitCode, ok.stderr).toBe(0)
    expect((await stat(join(dir, 'mode-out'))).mode & 0o7777).toBe(0o750)
    for (const mode of ['4755', 'u+s']) {
      const out = join(dir, `refused-${mode.replace('+', '')}`)
      const run = await runCli([
        'decrypt',
        join(dir, 'payload.bin.llmsec'),
        '--key-file',
        keyFile,
        '-o',
        out,
        '--mode',
        mode,
      ])
      expect(run.exitCode, mode).toBe(2)
      expect(run.stderr).toMatch(/--mode/)
      await expect(stat(out)).rejects.toThrow()
    }
  })

  it('as nobody: no decrypt option yields setuid or root-owned files, or writes where nobody may not', async (context) => {
    const prefix = unprivilegedPrefix()
    if (
      skipReason(!isRoot || prefix === null || prefix.length === 0, 'needs root and setpriv/runuser to run as nobody')
    )
      return context.skip()
    const home = join(dir, 'nobody')
    await mkdir(home)
    await chown(home, 65534, 65534)
    const input = join(dir, 'payload.bin.llmsec')
    const as = {unprivileged: true}
    const mine = await runCliJson(['decrypt', input, '--key-file', keyFile, '-o', join(home, 'p')], as)
    expect(mine.exitCode, mine.stderr).toBe(0)
    const info = await stat(join(home, 'p'))
    expect([info.uid, info.mode & SPECIAL, info.mode & WORLD_WRITE]).toEqual([65534, 0, 0])
    expect(
      (await runCli(['decrypt', input, '--key-file', keyFile, '-o', join(home, 's'), '--mode', '4755'], as)).exitCode,
    ).toBe(2)
    // Root's files stay out of reach: a root-owned directory, and a root-owned file even with --force.
    const rootOnly = join(dir, 'root-only')
    await mkdir(rootOnly, {mode: 0o755})
    await writeFile(join(rootOnly, 'victim'), 'root data')
    for (const out of [join(rootOnly, 'new'), join(rootOnly, 'victim')]) {
      const run = await runCli(['decrypt', input, '--key-file', keyFile, '-o', out, '--force'], as)
      expect(run.exitCode, out).toBe(2)
    }
    expect(await readFile(join(rootOnly, 'victim'), 'utf8')).toBe('root data')
    expect(await readdir(rootOnly)).toEqual(['victim'])
  })
})
