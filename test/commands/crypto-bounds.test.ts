import {createHash, randomBytes} from 'node:crypto'
import {readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, runCliJson} from '../helpers/cli.js'
import {craftEncryptedFile, scryptStanza} from '../helpers/crypto-craft.js'
import {makeTempDir} from '../helpers/crypto-keys.js'

let dir: string
let keyFile: string
const PASS = {LLMSEC_PASSPHRASE: 'pw'}
const digest = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex')

beforeAll(async () => {
  dir = await makeTempDir('crypto-bounds')
  keyFile = join(dir, 'vault.key')
  await writeFile(keyFile, randomBytes(32))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('encrypt and decrypt refuse what would destroy data or burn CPU (built CLI)', () => {
  it('encrypt x -o x --force --remove-plaintext: exit 2, x unchanged', async () => {
    const x = join(dir, 'x')
    await writeFile(x, randomBytes(200_000))
    const before = await digest(x)
    const run = await runCli(['encrypt', x, '-o', x, '--force', '--remove-plaintext', '--key-file', keyFile])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/is the input file/)
    expect(await digest(x)).toBe(before)
    expect((await readdir(dir)).sort()).toEqual(['vault.key', 'x'])
  })

  it('a header with 32 maximum-cost scrypt stanzas: exit 2 naming the bound, no scrypt run', async () => {
    const path = join(dir, 'attack.llmsec')
    await craftEncryptedFile(
      path,
      Array.from({length: 32}, () => scryptStanza(20, 32, 4)),
    )
    const run = await runCliJson<{error: {code: string; message: string}}>(
      ['decrypt', path, '--passphrase', '-o', join(dir, 'a')],
      {
        env: PASS,
        timeoutMs: 30_000,
      },
    )
    expect(run.exitCode).toBe(2)
    expect(run.json.error.code).toBe('LIMIT_EXCEEDED')
    expect(run.json.error.message).toMatch(/at most 1/)
  })

  it('one stanza over the work factor: exit 2 naming --max-work-factor; the flag is bounded', async () => {
    const path = join(dir, 'costly.llmsec')
    await craftEncryptedFile(path, [scryptStanza(20, 32, 4)])
    const run = await runCli(['decrypt', path, '--passphrase', '--check'], {env: PASS})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/maximum work factor 18/)
    expect(run.stderr).toMatch(/--max-work-factor/)
    const bad = await runCli(['decrypt', path, '--passphrase', '--check', '--max-work-factor', '40'], {env: PASS})
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toMatch(/--max-work-factor must be/)
  })
})
