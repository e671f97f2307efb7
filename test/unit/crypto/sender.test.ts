import {generateKeyPairSync, randomBytes} from 'node:crypto'
import {readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {
  type Identity,
  type Recipient,
  decryptFile,
  decryptPath,
  encryptFile,
  encryptPath,
  openEncryptedFile,
  readHeader,
  sealChunk,
} from '../../../src/crypto/index.js'
import {keyFingerprint, signingKeyFrom} from '../../../src/crypto/signature.js'
import {makeTempDir} from '../../helpers/crypto-keys.js'

const scryptCalls = vi.hoisted(() => ({count: 0}))
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>()
  const scrypt = ((...args: Parameters<typeof original.scrypt>) => {
    scryptCalls.count++
    return original.scrypt(...args)
  }) as typeof original.scrypt
  return {...original, default: {...original, scrypt}, scrypt}
})

let dir: string
const key = randomBytes(32)
const recipients: Recipient[] = [{kind: 'key-file', key, source: 'k'}]
const identities: Identity[] = [{kind: 'key-file', key, source: 'k'}]
const pair = generateKeyPairSync('ec', {namedCurve: 'prime256v1'})
const verifyKeys = [{key: pair.publicKey, fingerprint: keyFingerprint(pair.publicKey), source: 'signer.pub'}]

beforeAll(async () => {
  dir = await makeTempDir('crypto-sender')
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('sender signatures', () => {
  it('another recipient, who knows the file key, cannot re-seal a chunk of a signed file unseen', async () => {
    const input = join(dir, 'w.bin')
    await writeFile(input, randomBytes(5000))
    await encryptFile(input, `${input}.llmsec`, {
      recipients,
      chunkLog2: 12,
      signKey: signingKeyFrom(pair.privateKey, 's'),
    })
    const opened = await openEncryptedFile(`${input}.llmsec`, identities)
    const bytes = await readFile(`${input}.llmsec`)
    // A valid chunk 0 with other plaintext: GCM accepts it, only the signature can tell.
    sealChunk(opened.payloadKey, 0, false, randomBytes(4096)).copy(bytes, opened.header.headerLength)
    const forged = join(dir, 'forged.llmsec')
    await writeFile(forged, bytes)
    await expect(decryptFile(forged, join(dir, 'forged.out'), {identities, allowRenamed: true})).resolves.toMatchObject(
      {
        signer: {verified: false},
      },
    )
    await expect(
      decryptFile(forged, join(dir, 'forged.out2'), {identities, allowRenamed: true, verifyKeys}),
    ).rejects.toMatchObject({code: 'SIGNATURE_INVALID', exit: 1})
    expect((await readdir(dir)).filter((f) => f.startsWith('forged.out2') || f.startsWith('.forged.out2'))).toEqual([])
    // Benign twin: the untouched file verifies.
    await expect(decryptFile(`${input}.llmsec`, join(dir, 'w.out'), {identities, verifyKeys})).resolves.toMatchObject({
      signer: {verified: true},
    })
  })
})

describe('a passphrase on a directory', () => {
  it('runs scrypt once to encrypt four files and once to decrypt them, each file with its own wrapping salt', async () => {
    const tree = join(dir, 'tree')
    const {mkdir} = await import('node:fs/promises')
    await mkdir(tree)
    for (const name of ['a', 'b', 'c', 'd']) await writeFile(join(tree, name), name)
    scryptCalls.count = 0
    await encryptPath(tree, {recipients: [{kind: 'passphrase', passphrase: 'pw'}]})
    expect(scryptCalls.count).toBe(1)
    const bodies = await Promise.all(
      ['a', 'b', 'c', 'd'].map(async (n) => (await readHeader(join(tree, `${n}.llmsec`))).header.stanzas[0].body),
    )
    expect(new Set(bodies.map((b) => b.subarray(0, 16).toString('hex'))).size).toBe(1)
    expect(new Set(bodies.map((b) => b.subarray(19, 35).toString('hex'))).size).toBe(4)
    scryptCalls.count = 0
    const result = await decryptPath(tree, {
      identities: [{kind: 'passphrase', passphrase: 'pw'}],
      output: join(dir, 'tree-out'),
    })
    expect(result.ok).toBe(true)
    expect(scryptCalls.count).toBe(1)
  })
})
