import {randomBytes} from 'node:crypto'
import {readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {LlmsecError} from '../../../src/core/errors.js'
import {type Identity, decryptFile, encryptFile, readHeader} from '../../../src/crypto/index.js'
import {makeTempDir} from '../../helpers/crypto-keys.js'

const CHUNK = 4096
const key = randomBytes(32)
const identities: Identity[] = [{kind: 'key-file', key, source: 'k'}]
let dir: string
let sealed: Buffer
let other: Buffer
let headerLength: number

beforeAll(async () => {
  dir = await makeTempDir('crypto-tamper')
  const recipients = [{kind: 'key-file' as const, key, source: 'k'}]
  await writeFile(join(dir, 'a'), randomBytes(4 * CHUNK + 100))
  await writeFile(join(dir, 'b'), randomBytes(4 * CHUNK + 100))
  await encryptFile(join(dir, 'a'), join(dir, 'a.llmsec'), {recipients, chunkLog2: 12})
  await encryptFile(join(dir, 'b'), join(dir, 'b.llmsec'), {recipients, chunkLog2: 12})
  sealed = await readFile(join(dir, 'a.llmsec'))
  other = await readFile(join(dir, 'b.llmsec'))
  headerLength = (await readHeader(join(dir, 'a.llmsec'))).header.headerLength
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

const at = (chunk: number) => headerLength + chunk * (CHUNK + 16)

function flip(bytes: Buffer, offset: number): Buffer {
  const copy = Buffer.from(bytes)
  copy[offset] ^= 0x10
  return copy
}

const cases: [string, () => Buffer, string][] = [
  ['truncated at a chunk boundary', () => sealed.subarray(0, at(4)), 'TRUNCATED'],
  ['truncated off a chunk boundary', () => sealed.subarray(0, at(2) + 77), 'TRUNCATED'],
  ['a flipped bit in the header salt', () => flip(sealed, 30), 'HEADER_CORRUPT'],
  ['a flipped bit in the chunk size', () => flip(sealed, 10), 'HEADER_CORRUPT'],
  ['a flipped bit in the plaintext length', () => flip(sealed, 23), 'HEADER_CORRUPT'],
  // The key-file stanza starts at 56: type and length (3), salt (16), then the wrapped key.
  ['a flipped bit in the wrapped key', () => flip(sealed, 56 + 3 + 16 + 4), 'KEY_MISMATCH'],
  ['a flipped bit in the recorded metadata (mode)', () => flip(sealed, headerLength - 32 - 6), 'HEADER_CORRUPT'],
  ['a flipped bit in the header MAC', () => flip(sealed, headerLength - 1), 'HEADER_CORRUPT'],
  ['a flipped bit in a payload byte', () => flip(sealed, at(1) + 5), 'CHUNK_AUTH_FAILED'],
  ['a flipped bit in a tag', () => flip(sealed, at(1) + CHUNK + 3), 'CHUNK_AUTH_FAILED'],
  [
    'two chunks swapped',
    () =>
      Buffer.concat([
        sealed.subarray(0, at(1)),
        sealed.subarray(at(2), at(3)),
        sealed.subarray(at(1), at(2)),
        sealed.subarray(at(3)),
      ]),
    'CHUNK_AUTH_FAILED',
  ],
  [
    'a chunk from another file with the same key',
    () => Buffer.concat([sealed.subarray(0, at(2)), other.subarray(at(2), at(3)), sealed.subarray(at(3))]),
    'CHUNK_AUTH_FAILED',
  ],
  ['trailing bytes', () => Buffer.concat([sealed, Buffer.from('x')]), 'TRAILING_BYTES'],
  ['the last chunk dropped and the header kept (full chunks only)', () => sealed.subarray(0, at(4)), 'TRUNCATED'],
]

describe('tampering is detected, exit 1, nothing at the destination', () => {
  for (const [label, make, code] of cases) {
    for (const workers of [0, 2]) {
      it(`${label} (${workers ? 'workers' : 'inline'})`, async () => {
        const name = `t-${code}-${workers}-${label.length}`
        await writeFile(join(dir, name), make())
        const error = await decryptFile(join(dir, name), join(dir, `${name}.out`), {
          identities,
          workers,
          allowRenamed: true,
        }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(LlmsecError)
        expect(error).toMatchObject({code, exit: 1})
        const left = (await readdir(dir)).filter((f) => f.includes(`${name}.out`))
        expect(left).toEqual([])
      })
    }
  }

  it('a wrong key is exit 1 KEY_MISMATCH', async () => {
    const wrong: Identity[] = [{kind: 'key-file', key: randomBytes(32), source: 'w'}]
    await expect(decryptFile(join(dir, 'a.llmsec'), join(dir, 'wrong.out'), {identities: wrong})).rejects.toMatchObject(
      {
        code: 'KEY_MISMATCH',
        exit: 1,
      },
    )
  })

  it('a file without the magic is exit 2 NOT_LLMSEC; no key is exit 2 KEY_MISSING', async () => {
    await expect(decryptFile(join(dir, 'a'), join(dir, 'n.out'), {identities})).rejects.toMatchObject({
      code: 'NOT_LLMSEC',
      exit: 2,
    })
    await expect(decryptFile(join(dir, 'a.llmsec'), join(dir, 'n.out'), {identities: []})).rejects.toMatchObject({
      code: 'KEY_MISSING',
      exit: 2,
    })
  })
})

describe('chunks larger than the I/O window are streamed and still authenticated', () => {
  it('a flipped payload bit or tag bit in a 1 MiB chunk is CHUNK_AUTH_FAILED, inline and with workers', async () => {
    const big = join(dir, 'big')
    await writeFile(big, randomBytes(2 * 1024 * 1024 + 500_000))
    await encryptFile(big, `${big}.llmsec`, {recipients: [{kind: 'key-file', key, source: 'k'}], chunkLog2: 20})
    const bytes = await readFile(`${big}.llmsec`)
    const header = (await readHeader(`${big}.llmsec`)).header.headerLength
    const chunk1 = header + (1 << 20) + 16
    for (const [label, offset] of [
      ['payload', chunk1 + 700_000],
      ['tag', chunk1 + (1 << 20) + 5],
    ] as const) {
      for (const workers of [0, 2]) {
        const name = join(dir, `big-${label}-${workers}.llmsec`)
        await writeFile(name, flip(bytes, offset))
        await expect(
          decryptFile(name, `${name}.out`, {identities, workers, allowRenamed: true}),
          `${label} ${workers}`,
        ).rejects.toMatchObject({code: 'CHUNK_AUTH_FAILED', message: expect.stringMatching(/chunk 2 of 3/)})
      }
    }
    await decryptFile(`${big}.llmsec`, `${big}.out`, {identities, workers: 2})
    expect((await readFile(`${big}.out`)).equals(await readFile(big))).toBe(true)
  })
})
