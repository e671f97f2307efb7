import {randomBytes} from 'node:crypto'
import {readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {LlmsecError} from '../../../src/core/errors.js'
import {MAX_HEADER_LENGTH, chunkNonce, decodeHeader, encryptFile, openEncryptedFile} from '../../../src/crypto/index.js'
import {makeTempDir} from '../../helpers/crypto-keys.js'

let dir: string
let sealed: Buffer
const key = randomBytes(32)
const identities = [{kind: 'key-file' as const, key, source: 'k'}]

beforeAll(async () => {
  dir = await makeTempDir('crypto-format')
  await writeFile(join(dir, 'p'), randomBytes(300))
  await encryptFile(join(dir, 'p'), join(dir, 'p.llmsec'), {
    recipients: [
      {kind: 'key-file', key, source: 'k'},
      {kind: 'passphrase', passphrase: 'pw', scrypt: {logN: 10, r: 1, p: 1}},
    ],
    chunkLog2: 6,
  })
  sealed = await readFile(join(dir, 'p.llmsec'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('nonce', () => {
  it('is an 11-byte big-endian counter and a last-chunk flag', () => {
    expect(chunkNonce(0, false).toString('hex')).toBe('000000000000000000000000')
    expect(chunkNonce(1, true).toString('hex')).toBe('000000000000000000000101')
    expect(chunkNonce(2 ** 32 + 2, false).toString('hex')).toBe('000000000000010000000200')
    expect(chunkNonce(Number.MAX_SAFE_INTEGER, true).toString('hex')).toBe('000000001fffffffffffff01')
  })
})

describe('header parsing is bounded', () => {
  it('decodes the header it wrote', () => {
    const header = decodeHeader(sealed)
    expect(header.chunkSize).toBe(64)
    expect(header.plaintextLength).toBe(300)
    expect(header.stanzas.map((s) => s.type)).toEqual([4, 5])
  })

  it('never throws anything but an LlmsecError on arbitrary bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 2048}), fc.boolean(), (bytes, withMagic) => {
        const input = Buffer.from(bytes)
        if (withMagic) sealed.copy(input, 0, 0, Math.min(16, input.length))
        try {
          const header = decodeHeader(input)
          expect(header.headerLength).toBeLessThanOrEqual(MAX_HEADER_LENGTH)
        } catch (error) {
          expect(error).toBeInstanceOf(LlmsecError)
          expect([1, 2]).toContain((error as LlmsecError).exit)
        }
      }),
      {numRuns: 3000},
    )
  })

  it('a mutated real file never crashes or hangs: exit 1 or 2, or it still opens (fuzz)', async () => {
    const started = Date.now()
    const path = join(dir, 'fuzz.llmsec')
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(sealed.length + 8), fc.integer({min: 0, max: 255})), {minLength: 1, maxLength: 4}),
        fc.option(fc.nat(sealed.length), {nil: undefined}),
        async (edits, cut) => {
          const bytes = Buffer.from(sealed.subarray(0, cut ?? sealed.length))
          for (const [offset, value] of edits) if (offset < bytes.length) bytes[offset] = value
          await writeFile(path, bytes)
          try {
            await openEncryptedFile(path, identities)
          } catch (error) {
            expect(error).toBeInstanceOf(LlmsecError)
            expect([1, 2]).toContain((error as LlmsecError).exit)
          }
        },
      ),
      {numRuns: 400},
    )
    expect(Date.now() - started).toBeLessThan(45_000)
  })

  it('refuses hostile scrypt parameters without running them', async () => {
    const header = decodeHeader(sealed)
    // The passphrase stanza follows the key-file stanza (3 + 64 bytes from offset 56); its body starts 3 bytes in.
    const scryptAt = 56 + 3 + header.stanzas[0].body.length + 3
    const bytes = Buffer.from(sealed)
    bytes[scryptAt + 16] = 60 // logN
    await writeFile(join(dir, 'scrypt.llmsec'), bytes)
    const started = Date.now()
    await expect(
      openEncryptedFile(join(dir, 'scrypt.llmsec'), [{kind: 'passphrase', passphrase: 'pw'}]),
    ).rejects.toMatchObject({code: 'LIMIT_EXCEEDED', exit: 2})
    bytes[scryptAt + 16] = 4 // logN below any sane cost: corrupt
    await writeFile(join(dir, 'scrypt.llmsec'), bytes)
    await expect(
      openEncryptedFile(join(dir, 'scrypt.llmsec'), [{kind: 'passphrase', passphrase: 'pw'}]),
    ).rejects.toMatchObject({code: 'HEADER_CORRUPT', exit: 1})
    expect(Date.now() - started).toBeLessThan(2000)
  })
})
