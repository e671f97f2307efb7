import {randomBytes} from 'node:crypto'
import {readFile, rm, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {
  type Identity,
  type Recipient,
  checkFile,
  decryptFile,
  decryptRange,
  encryptFile,
  readHeader,
} from '../../../src/crypto/index.js'
import {makeEcKeys, makeRsaCertificate, makeTempDir} from '../../helpers/crypto-keys.js'

let dir: string
const key = randomBytes(32)
const keyRecipient: Recipient = {kind: 'key-file', key, source: 'test.key'}
const keyIdentity: Identity = {kind: 'key-file', key, source: 'test.key'}

beforeAll(async () => {
  dir = await makeTempDir('crypto-unit')
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function roundTrip(plain: Buffer, name: string, chunkLog2: number, workers?: number): Promise<Buffer> {
  const input = join(dir, name)
  await writeFile(input, plain)
  await encryptFile(input, `${input}.llmsec`, {recipients: [keyRecipient], chunkLog2, workers})
  await decryptFile(`${input}.llmsec`, `${input}.out`, {identities: [keyIdentity], workers})
  return readFile(`${input}.out`)
}

describe('round trips', () => {
  const chunk = 4096
  const cases: [string, number][] = [
    ['empty', 0],
    ['one byte', 1],
    ['exactly one chunk', chunk],
    ['one chunk plus one byte', chunk + 1],
    ['many chunks', 37 * chunk + 5],
  ]
  for (const [label, size] of cases) {
    it(`${label} (${size} bytes) on the calling thread`, async () => {
      const plain = randomBytes(size)
      expect((await roundTrip(plain, `inline-${size}`, 12, 0)).equals(plain)).toBe(true)
    })
  }

  it('encrypted size is header + plaintext + 16 bytes per chunk', async () => {
    const input = join(dir, 'sized')
    await writeFile(input, randomBytes(chunk + 1))
    await encryptFile(input, `${input}.llmsec`, {recipients: [keyRecipient], chunkLog2: 12})
    const {header, fileSize} = await readHeader(`${input}.llmsec`)
    expect(fileSize).toBe(header.headerLength + chunk + 1 + 2 * 16)
  })

  it('runs through TypeScript worker threads under vitest (tsx) with many small segments', async () => {
    // 2^6-byte chunks make 262144-chunk segments; 2^12 gives 4096 chunks per segment: 3 segments here.
    const plain = randomBytes(3 * 4096 * 4096 - 7)
    expect((await roundTrip(plain, 'workers', 12, 2)).equals(plain)).toBe(true)
  })

  it('default 1 MiB chunks: empty, 1 byte, one chunk, one chunk + 1', async () => {
    for (const size of [0, 1, 2 ** 20, 2 ** 20 + 1]) {
      const plain = randomBytes(size)
      expect((await roundTrip(plain, `default-${size}`, 20)).equals(plain)).toBe(true)
    }
  })
})

describe('recipients', () => {
  it('an RSA certificate and a passphrase: either one decrypts', async () => {
    const {certPem, keyPem} = makeRsaCertificate()
    const input = join(dir, 'two')
    const plain = randomBytes(10_000)
    await writeFile(input, plain)
    const recipients: Recipient[] = [
      {kind: 'public-key', pem: certPem, source: 'cert.pem'},
      {kind: 'passphrase', passphrase: 'correct horse', scrypt: {logN: 10, r: 8, p: 1}},
    ]
    await encryptFile(input, `${input}.llmsec`, {recipients, chunkLog2: 12})
    await decryptFile(`${input}.llmsec`, `${input}.a`, {identities: [{kind: 'private-key', pem: keyPem, source: 'k'}]})
    await decryptFile(`${input}.llmsec`, `${input}.b`, {
      identities: [{kind: 'passphrase', passphrase: 'correct horse'}],
    })
    expect((await readFile(`${input}.a`)).equals(plain)).toBe(true)
    expect((await readFile(`${input}.b`)).equals(plain)).toBe(true)
  })

  for (const curve of ['prime256v1', 'secp384r1', 'secp521r1', 'x25519'] as const) {
    it(`an EC public key (${curve}) via ECDH + HKDF`, async () => {
      const {keyPem, publicPem} = makeEcKeys(curve)
      const input = join(dir, `ec-${curve}`)
      await writeFile(input, 'weights')
      await encryptFile(input, `${input}.llmsec`, {recipients: [{kind: 'public-key', pem: publicPem, source: 'p'}]})
      const result = await checkFile(`${input}.llmsec`, {identities: [{kind: 'private-key', pem: keyPem, source: 'k'}]})
      expect(result.bytes).toBe(7)
      const other = makeEcKeys(curve)
      await expect(
        checkFile(`${input}.llmsec`, {identities: [{kind: 'private-key', pem: other.keyPem, source: 'o'}]}),
      ).rejects.toMatchObject({code: 'KEY_MISMATCH', exit: 1})
    })
  }

  it('a bare RSA public key PEM', async () => {
    const {publicPem, keyPem} = makeRsaCertificate()
    const input = join(dir, 'rsa-pub')
    await writeFile(input, 'x')
    await encryptFile(input, `${input}.llmsec`, {recipients: [{kind: 'public-key', pem: publicPem, source: 'p'}]})
    await expect(
      checkFile(`${input}.llmsec`, {identities: [{kind: 'private-key', pem: keyPem, source: 'k'}]}),
    ).resolves.toMatchObject({status: 'ok'})
  })
})

describe('range decryption', () => {
  it('matches the plaintext for arbitrary ranges', async () => {
    const plain = randomBytes(9 * 4096 + 123)
    const input = join(dir, 'range')
    await writeFile(input, plain)
    await encryptFile(input, `${input}.llmsec`, {recipients: [keyRecipient], chunkLog2: 12})
    await fc.assert(
      fc.asyncProperty(fc.nat(plain.length), fc.nat(plain.length), async (a, b) => {
        const start = Math.min(a, b)
        const length = Math.max(a, b) - start
        const got = await decryptRange(`${input}.llmsec`, start, length, [keyIdentity])
        expect(got.equals(plain.subarray(start, start + length))).toBe(true)
      }),
      {numRuns: 60},
    )
    await expect(decryptRange(`${input}.llmsec`, plain.length, 1, [keyIdentity])).rejects.toMatchObject({exit: 2})
  })

  it('reads only the chunks it needs: a damaged far chunk does not affect an early range', async () => {
    const plain = randomBytes(4 * 4096)
    const input = join(dir, 'range-partial')
    await writeFile(input, plain)
    await encryptFile(input, `${input}.llmsec`, {recipients: [keyRecipient], chunkLog2: 12})
    const bytes = await readFile(`${input}.llmsec`)
    bytes[bytes.length - 1] ^= 1
    await writeFile(`${input}.llmsec`, bytes)
    expect((await decryptRange(`${input}.llmsec`, 10, 100, [keyIdentity])).equals(plain.subarray(10, 110))).toBe(true)
    await expect(decryptRange(`${input}.llmsec`, 4 * 4096 - 1, 1, [keyIdentity])).rejects.toMatchObject({
      code: 'CHUNK_AUTH_FAILED',
    })
    expect((await stat(`${input}.llmsec`)).size).toBe(bytes.length)
  })
})
