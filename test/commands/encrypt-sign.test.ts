import {randomBytes} from 'node:crypto'
import {mkdir, readFile, readdir, rename, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BatchResult} from '../../src/crypto/index.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {makeEcKeys, makeRsaCertificate, makeTempDir} from '../helpers/crypto-keys.js'
import {buildVector} from '../helpers/crypto-vector.js'

let dir: string
let keyFile: string
const plain = randomBytes(3 * 1024 * 1024 + 11)
const at = (name: string) => join(dir, name)

beforeAll(async () => {
  dir = await makeTempDir('crypto-sign')
  keyFile = at('vault.key')
  await writeFile(keyFile, randomBytes(32))
  const signer = makeEcKeys('prime256v1')
  await writeFile(at('signer.pem'), signer.keyPem)
  await writeFile(at('signer.pub'), signer.publicPem)
  await writeFile(at('stranger.pub'), makeEcKeys('prime256v1').publicPem)
  await writeFile(at('model.bin'), plain)
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

const decrypt = (input: string, output: string, ...more: string[]) =>
  runCliJson<BatchResult & {error?: {code: string; message: string}}>([
    'decrypt',
    input,
    '--key-file',
    keyFile,
    '-o',
    output,
    ...more,
  ])

describe('sender signatures and recorded names (built CLI)', () => {
  it('a signed-then-encrypted file decrypts with --verify-key; a stranger key, an unsigned file and a bad signature are refused', async () => {
    const enc = await runCli(['encrypt', at('model.bin'), '--key-file', keyFile, '--sign-key', at('signer.pem')])
    expect(enc.exitCode, enc.stderr).toBe(0)
    const ok = await decrypt(at('model.bin.llmsec'), at('ok.bin'), '--verify-key', at('signer.pub'))
    expect(ok.exitCode, ok.stderr).toBe(0)
    expect(ok.json.senderVerified).toBe(true)
    expect(ok.json.files[0]).toMatchObject({name: 'model.bin', signer: {verified: true}})
    expect((await readFile(at('ok.bin'))).equals(plain)).toBe(true)

    const stranger = await decrypt(at('model.bin.llmsec'), at('s.bin'), '--verify-key', at('stranger.pub'))
    expect([stranger.exitCode, stranger.json.error?.code]).toEqual([1, 'UNTRUSTED_SIGNER'])

    await mkdir(at('unsigned'))
    await writeFile(at('unsigned/model.bin'), plain)
    await runCli(['encrypt', at('unsigned/model.bin'), '--key-file', keyFile])
    const unsigned = await decrypt(at('unsigned/model.bin.llmsec'), at('u.bin'), '--verify-key', at('signer.pub'))
    expect([unsigned.exitCode, unsigned.json.error?.code]).toEqual([1, 'SIGNATURE_MISSING'])

    const bytes = await readFile(at('model.bin.llmsec'))
    bytes[bytes.length - 1] ^= 1
    await mkdir(at('bad'))
    await writeFile(at('bad/model.bin.llmsec'), bytes)
    const bad = await decrypt(at('bad/model.bin.llmsec'), at('b.bin'), '--verify-key', at('signer.pub'))
    expect([bad.exitCode, bad.json.error?.code]).toEqual([1, 'SIGNATURE_INVALID'])
    expect((await readdir(dir)).filter((f) => /^(s|u|b)\.bin/.test(f) || f.includes('.b.bin'))).toEqual([])
  })

  it('without --verify-key the output says decryption does not prove who made the file', async () => {
    const run = await runCli(['decrypt', at('model.bin.llmsec'), '--key-file', keyFile, '-o', at('plain-note.bin')])
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/signed by [0-9a-f]{16}…, not verified/)
    expect(run.stdout).toMatch(/does not prove who made/)
  })

  it('--verify-cert verifies an RSA (PSS) signature with the certificate key; --output - with a verify key is refused', async () => {
    const {certPem, keyPem} = makeRsaCertificate('release signer')
    await writeFile(at('rsa.pem'), keyPem)
    await writeFile(at('rsa-cert.pem'), certPem)
    await mkdir(at('rsa'))
    await writeFile(at('rsa/model.bin'), plain)
    await runCli(['encrypt', at('rsa/model.bin'), '--key-file', keyFile, '--sign-key', at('rsa.pem')])
    const ok = await decrypt(at('rsa/model.bin.llmsec'), at('rsa-out.bin'), '--verify-cert', at('rsa-cert.pem'))
    expect(ok.exitCode, ok.stderr).toBe(0)
    expect(ok.json.senderVerified).toBe(true)
    const stream = await runCli([
      'decrypt',
      at('rsa/model.bin.llmsec'),
      '--key-file',
      keyFile,
      '-o',
      '-',
      '--verify-cert',
      at('rsa-cert.pem'),
    ])
    expect(stream.exitCode).toBe(2)
    expect(stream.stdout).toBe('')
  })

  it('a renamed encrypted file is reported with the name it was made for; --allow-renamed decrypts it with a warning', async () => {
    await rename(at('unsigned/model.bin.llmsec'), at('unsigned/other.bin.llmsec'))
    const run = await decrypt(at('unsigned/other.bin.llmsec'), at('unsigned/other.bin'))
    expect(run.exitCode).toBe(1)
    expect(run.json.error).toMatchObject({code: 'NAME_MISMATCH'})
    expect(run.json.error?.message).toMatch(/made for "model.bin", not "other.bin"/)
    const allowed = await decrypt(at('unsigned/other.bin.llmsec'), at('unsigned/other.bin'), '--allow-renamed')
    expect(allowed.exitCode).toBe(0)
    expect(allowed.json.files[0].name).toBe('model.bin')
    expect(allowed.json.files[0].warnings?.[0]).toMatch(/made for "model.bin"/)
    // Naming the output as the file it was made for states the expectation: no rename to report.
    const stated = await decrypt(at('unsigned/other.bin.llmsec'), at('unsigned/model.bin'), '--force')
    expect(stated.exitCode, stated.stderr).toBe(0)
  })

  it('two files swapped within a model directory are refused, the others decrypt', async () => {
    const model = at('tree')
    await mkdir(join(model, 'sub'), {recursive: true})
    await writeFile(join(model, 'config.json'), '{"layers": 32}')
    await writeFile(join(model, 'sub', 'config.json'), '{"layers": 2}')
    await writeFile(join(model, 'tokenizer.json'), '{}')
    expect((await runCli(['encrypt', model, '--key-file', keyFile, '--remove-plaintext'])).exitCode).toBe(0)
    await rename(join(model, 'config.json.llmsec'), join(model, 'swap'))
    await rename(join(model, 'sub', 'config.json.llmsec'), join(model, 'config.json.llmsec'))
    await rename(join(model, 'swap'), join(model, 'sub', 'config.json.llmsec'))
    const run = await decrypt(model, at('tree-out'))
    expect(run.exitCode).toBe(1)
    const codes = Object.fromEntries(
      run.json.files.map((f) => [f.input.slice(model.length + 1), f.error?.code ?? f.status]),
    )
    expect(codes).toEqual({
      'config.json.llmsec': 'NAME_MISMATCH',
      'sub/config.json.llmsec': 'NAME_MISMATCH',
      'tokenizer.json.llmsec': 'ok',
    })
    const written = await readdir(at('tree-out'), {recursive: true})
    expect(written.filter((f) => f.endsWith('.json'))).toEqual(['tokenizer.json'])
  })

  it('a format version 1 file still decrypts, records no name, and is refused with --verify-key', async () => {
    const vector = buildVector()
    await writeFile(at('v1.bin.llmsec'), vector.file)
    await writeFile(at('v1.key'), Buffer.from(Array.from({length: 32}, (_, i) => i)))
    const run = await runCliJson<BatchResult>(['decrypt', at('v1.bin.llmsec'), '--key-file', at('v1.key')])
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.json.files[0].name).toBeUndefined()
    expect((await readFile(at('v1.bin'))).length).toBe(100)
    const verify = await runCli([
      'decrypt',
      at('v1.bin.llmsec'),
      '--key-file',
      at('v1.key'),
      '-o',
      at('v1b'),
      '--verify-key',
      at('signer.pub'),
    ])
    expect(verify.exitCode).toBe(1)
    expect(verify.stderr).toMatch(/format version 1/)
  })
})
