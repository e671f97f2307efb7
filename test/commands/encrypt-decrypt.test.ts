import {randomBytes} from 'node:crypto'
import {chmod, mkdir, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {Ajv} from 'ajv'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {repoRoot, runCli, runCliJson} from '../helpers/cli.js'
import {makeRsaCertificate, makeTempDir} from '../helpers/crypto-keys.js'

let dir: string
let keyFile: string
const PASS = {LLMSEC_PASSPHRASE: 'open sesame'}

async function schemaFor(command: string) {
  const schema = JSON.parse(await readFile(join(repoRoot, 'docs', 'json', `${command}.schema.json`), 'utf8'))
  return new Ajv({allErrors: true}).compile(schema)
}

beforeAll(async () => {
  dir = await makeTempDir('crypto-cli')
  keyFile = join(dir, 'vault.key')
  await writeFile(keyFile, `${randomBytes(32).toString('hex')}\n`)
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('llmsec encrypt / decrypt (built CLI)', () => {
  it('round-trips a file with a key file and validates --json against the schemas', async () => {
    const plain = randomBytes(3 * 1024 * 1024 + 5)
    await writeFile(join(dir, 'm.bin'), plain)
    // --workers forces the worker thread (dist/src/crypto/chunk-worker.js) for a file under the inline limit.
    const enc = await runCliJson([
      'encrypt',
      join(dir, 'm.bin'),
      '--key-file',
      keyFile,
      '--workers',
      '2',
      '--chunk-size',
      '1024',
    ])
    expect(enc.exitCode).toBe(0)
    const validateEnc = await schemaFor('encrypt')
    expect(validateEnc(enc.json), JSON.stringify(validateEnc.errors)).toBe(true)
    const dec = await runCliJson([
      'decrypt',
      join(dir, 'm.bin.llmsec'),
      '--key-file',
      keyFile,
      '-o',
      join(dir, 'm.out'),
      '--workers',
      '2',
    ])
    expect(dec.exitCode).toBe(0)
    const validateDec = await schemaFor('decrypt')
    expect(validateDec(dec.json), JSON.stringify(validateDec.errors)).toBe(true)
    expect((await readFile(join(dir, 'm.out'))).equals(plain)).toBe(true)
    const check = await runCliJson(['decrypt', '--check', join(dir, 'm.bin.llmsec'), '--key-file', keyFile])
    expect(check.exitCode).toBe(0)
    expect(validateDec(check.json)).toBe(true)
  })

  it('encrypts a directory tree file by file, and decrypts it elsewhere with fresh modes (never the input bits)', async () => {
    const tree = join(dir, 'tree')
    await mkdir(join(tree, 'sub', 'deeper'), {recursive: true})
    const files: [string, number, Buffer][] = [
      ['config.json', 0o644, Buffer.from('{"a":1}')],
      ['empty.bin', 0o600, Buffer.alloc(0)],
      ['sub/weights.safetensors', 0o640, randomBytes(1024 * 1024 + 1)],
      ['sub/deeper/run.sh', 0o755, Buffer.from('#!/bin/sh\n')],
    ]
    for (const [name, mode, data] of files) {
      await writeFile(join(tree, name), data)
      await chmod(join(tree, name), mode)
    }
    const enc = await runCli(['encrypt', tree, '--key-file', keyFile, '--passphrase'], {env: PASS})
    expect(enc.exitCode, enc.stderr).toBe(0)
    expect(enc.stdout).toContain('4 of 4 file(s) encrypted')
    const out = join(dir, 'tree-out')
    const dec = await runCli(['decrypt', tree, '--passphrase', '-o', out], {env: PASS})
    expect(dec.exitCode, dec.stderr).toBe(0)
    const fresh = 0o644 & ~process.umask()
    for (const [name, , data] of files) {
      expect((await stat(join(tree, `${name}.llmsec`))).mode & 0o7777).toBe(fresh)
      expect((await readFile(join(out, name))).equals(data)).toBe(true)
      expect((await stat(join(out, name))).mode & 0o7777).toBe(fresh)
    }
  })

  it('a directory with one damaged file: the others decrypt, --json lists the failure, exit 1', async () => {
    const tree = join(dir, 'mixed')
    await mkdir(tree)
    await writeFile(join(tree, 'good.bin'), 'good')
    await writeFile(join(tree, 'bad.bin'), 'bad!')
    await runCli(['encrypt', tree, '--key-file', keyFile, '--remove-plaintext'])
    const bytes = await readFile(join(tree, 'bad.bin.llmsec'))
    bytes[bytes.length - 1] ^= 1
    await writeFile(join(tree, 'bad.bin.llmsec'), bytes)
    const out = join(dir, 'mixed-out')
    const dec = await runCliJson<{ok: boolean; files: {status: string; error?: {code: string}}[]}>([
      'decrypt',
      tree,
      '--key-file',
      keyFile,
      '-o',
      out,
    ])
    expect(dec.exitCode).toBe(1)
    const validate = await schemaFor('decrypt')
    expect(validate(dec.json), JSON.stringify(validate.errors)).toBe(true)
    expect(dec.json.ok).toBe(false)
    expect(dec.json.files.map((f) => f.error?.code ?? f.status)).toEqual(['CHUNK_AUTH_FAILED', 'ok'])
    expect(await readdir(out)).toEqual(['good.bin'])
  })

  it('two recipients, a certificate and a passphrase: either one decrypts', async () => {
    const {certPem, keyPem} = makeRsaCertificate()
    await writeFile(join(dir, 'cert.pem'), certPem)
    await writeFile(join(dir, 'key.pem'), keyPem)
    await writeFile(join(dir, 'two.bin'), 'model weights')
    const enc = await runCli(['encrypt', join(dir, 'two.bin'), '-r', join(dir, 'cert.pem'), '--passphrase'], {
      env: PASS,
    })
    expect(enc.exitCode, enc.stderr).toBe(0)
    const byKey = await runCli(['decrypt', join(dir, 'two.bin.llmsec'), '-i', join(dir, 'key.pem'), '-o', '-'])
    expect(byKey.exitCode, byKey.stderr).toBe(0)
    expect(byKey.stdout).toBe('model weights')
    const byPass = await runCli(['decrypt', join(dir, 'two.bin.llmsec'), '--passphrase', '-o', '-'], {env: PASS})
    expect(byPass.stdout).toBe('model weights')
    const wrong = await runCli(['decrypt', join(dir, 'two.bin.llmsec'), '--passphrase', '-o', join(dir, 'w')], {
      env: {LLMSEC_PASSPHRASE: 'wrong'},
    })
    expect(wrong.exitCode).toBe(1)
    expect(wrong.stderr).toMatch(/key does not match/)
    await expect(stat(join(dir, 'w'))).rejects.toThrow()
  })

  it('a tampered payload: exit 1, one clear line, nothing at the destination; --check says so too', async () => {
    await writeFile(join(dir, 't.bin'), randomBytes(2 * 1024 * 1024))
    await runCli(['encrypt', join(dir, 't.bin'), '--key-file', keyFile])
    const bytes = await readFile(join(dir, 't.bin.llmsec'))
    bytes[bytes.length - 100] ^= 4
    await writeFile(join(dir, 't.bin.llmsec'), bytes)
    const dec = await runCli(['decrypt', join(dir, 't.bin.llmsec'), '--key-file', keyFile, '-o', join(dir, 't.out')])
    expect(dec.exitCode).toBe(1)
    expect(dec.stderr.trim().split('\n')).toHaveLength(1)
    expect(dec.stderr).toMatch(/chunk 2 of 2 failed authentication/)
    expect((await readdir(dir)).filter((f) => f.includes('t.out'))).toEqual([])
    const check = await runCli(['decrypt', '--check', join(dir, 't.bin.llmsec'), '--key-file', keyFile])
    expect(check.exitCode).toBe(1)
  })

  it('--output - streams, and on failure says bytes were already written', async () => {
    await writeFile(join(dir, 's.bin'), randomBytes(3 * 64 * 1024))
    await runCli(['encrypt', join(dir, 's.bin'), '--key-file', keyFile, '--chunk-size', '65536'])
    const bytes = await readFile(join(dir, 's.bin.llmsec'))
    bytes[bytes.length - 10] ^= 1
    await writeFile(join(dir, 's.bin.llmsec'), bytes)
    const dec = await runCli(['decrypt', join(dir, 's.bin.llmsec'), '--key-file', keyFile, '-o', '-'])
    expect(dec.exitCode).toBe(1)
    expect(dec.stderr).toMatch(/131072 bytes had already been written/)
  })

  it('--remove-plaintext deletes the original only after verification', async () => {
    await writeFile(join(dir, 'r.bin'), randomBytes(100_000))
    const enc = await runCliJson(['encrypt', join(dir, 'r.bin'), '--key-file', keyFile, '--remove-plaintext'])
    expect(enc.exitCode).toBe(0)
    expect(enc.json).toMatchObject({files: [{removedPlaintext: true}]})
    await expect(stat(join(dir, 'r.bin'))).rejects.toThrow()
    const check = await runCli(['decrypt', '--check', join(dir, 'r.bin.llmsec'), '--key-file', keyFile])
    expect(check.exitCode).toBe(0)
  })

  it('exit 2: not an llmsec file, a missing key, a bad flag, --passphrase without a terminal or variable', async () => {
    await writeFile(join(dir, 'plain.txt'), 'hello')
    const notOurs = await runCli(['decrypt', join(dir, 'plain.txt'), '--key-file', keyFile])
    expect(notOurs.exitCode).toBe(2)
    expect(notOurs.stderr).toMatch(/not an llmsec-encrypted file/)
    const noKey = await runCli(['decrypt', join(dir, 'm.bin.llmsec')])
    expect(noKey.exitCode).toBe(2)
    expect(noKey.stderr).toMatch(/no key given/)
    const noRecipient = await runCli(['encrypt', join(dir, 'plain.txt')])
    expect(noRecipient.exitCode).toBe(2)
    const badFlag = await runCli(['encrypt', join(dir, 'plain.txt'), '--bogus'])
    expect(badFlag.exitCode).toBe(2)
    const badChunk = await runCli(['encrypt', join(dir, 'plain.txt'), '--key-file', keyFile, '--chunk-size', '1000'])
    expect(badChunk.exitCode).toBe(2)
    const noTty = await runCli(['encrypt', join(dir, 'plain.txt'), '--passphrase'], {env: {LLMSEC_PASSPHRASE: ''}})
    expect(noTty.exitCode).toBe(2)
    expect(noTty.stderr).toMatch(/LLMSEC_PASSPHRASE/)
    const exists = await runCli(['encrypt', join(dir, 'm.bin'), '--key-file', keyFile])
    expect(exists.exitCode).toBe(2)
    expect(exists.stderr).toMatch(/already exists/)
  })
})
