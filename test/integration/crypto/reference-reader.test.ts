import {generateKeyPairSync, randomBytes} from 'node:crypto'
import {readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {encryptFile} from '../../../src/crypto/index.js'
import {signingKeyFrom} from '../../../src/crypto/signature.js'
import {repoRoot} from '../../helpers/cli.js'
import {makeTempDir} from '../../helpers/crypto-keys.js'
import {skipReason} from '../../helpers/env.js'

const python = '/usr/bin/python3'
const script = join(repoRoot, 'scripts', 'llmsec-decrypt-reference.py')
let dir: string
let available = false

beforeAll(async () => {
  dir = await makeTempDir('crypto-ref')
  const probe = await execa(python, ['-c', 'import cryptography'], {reject: false})
  available = probe.exitCode === 0
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('an independent Python reader written from docs/encrypted-format.md', () => {
  it('decrypts what llmsec wrote (key file and passphrase), and rejects a modified chunk', async (context) => {
    if (skipReason(!available, `${python} has no cryptography module (apt-get install python3-cryptography)`)) {
      return context.skip()
    }
    const key = randomBytes(32)
    await writeFile(join(dir, 'k'), key)
    const plain = randomBytes(5 * 65536 + 17)
    await writeFile(join(dir, 'p'), plain)
    const recipients = [
      {kind: 'passphrase' as const, passphrase: 'pässword', scrypt: {logN: 12, r: 8, p: 1}},
      {kind: 'key-file' as const, key, source: 'k'},
    ]
    await encryptFile(join(dir, 'p'), join(dir, 'p.llmsec'), {recipients, chunkLog2: 16})
    const byKey = await execa(python, [script, join(dir, 'p.llmsec'), join(dir, 'k')], {encoding: 'buffer'})
    expect(Buffer.from(byKey.stdout).equals(plain)).toBe(true)
    const byPass = await execa(python, [script, join(dir, 'p.llmsec'), ''], {
      encoding: 'buffer',
      env: {LLMSEC_PASSPHRASE: 'pässword'},
    })
    expect(Buffer.from(byPass.stdout).equals(plain)).toBe(true)
    const bytes = await readFile(join(dir, 'p.llmsec'))
    bytes[bytes.length - 20] ^= 1
    await writeFile(join(dir, 'bad.llmsec'), bytes)
    const bad = await execa(python, [script, join(dir, 'bad.llmsec'), join(dir, 'k')], {reject: false})
    expect(bad.exitCode).toBe(1)
  })

  it('checks version 2 sender signatures (EC P-256 and Ed25519) and reads the recorded name', async (context) => {
    if (skipReason(!available, `${python} has no cryptography module (apt-get install python3-cryptography)`)) {
      return context.skip()
    }
    const key = randomBytes(32)
    await writeFile(join(dir, 'k2'), key)
    // Several 16 MiB segments at 1 MiB chunks (the segment digests are what the signature covers).
    const plain = randomBytes(40 * 1024 * 1024 + 3)
    await writeFile(join(dir, 'weights.bin'), plain)
    for (const type of ['ec', 'ed25519'] as const) {
      const pair =
        type === 'ec' ? generateKeyPairSync('ec', {namedCurve: 'prime256v1'}) : generateKeyPairSync('ed25519')
      const pub = join(dir, `${type}.pub`)
      await writeFile(pub, pair.publicKey.export({type: 'spki', format: 'pem'}))
      const signKey = signingKeyFrom(pair.privateKey, type)
      const out = join(dir, `weights.bin.${type}.llmsec`)
      await encryptFile(join(dir, 'weights.bin'), out, {recipients: [{kind: 'key-file', key, source: 'k'}], signKey})
      const run = await execa(python, [script, out, join(dir, 'k2'), pub], {encoding: 'buffer', maxBuffer: 2 ** 27})
      expect(Buffer.from(run.stdout).equals(plain)).toBe(true)
      expect(Buffer.from(run.stderr).toString()).toContain('name: weights.bin')
      const other = join(dir, `other-${type}.pub`)
      await writeFile(other, generateKeyPairSync('ed25519').publicKey.export({type: 'spki', format: 'pem'}))
      const wrong = await execa(python, [script, out, join(dir, 'k2'), other], {reject: false, encoding: 'buffer'})
      expect(wrong.exitCode).toBe(1)
    }
  })
})
