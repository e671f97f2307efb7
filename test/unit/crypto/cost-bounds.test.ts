import {randomBytes} from 'node:crypto'
import {rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Identity, type Stanza, encryptFile, openEncryptedFile} from '../../../src/crypto/index.js'
import {craftEncryptedFile, scryptStanza} from '../../helpers/crypto-craft.js'
import {makeTempDir} from '../../helpers/crypto-keys.js'

let dir: string
const passphrase: Identity = {kind: 'passphrase', passphrase: 'pw'}

beforeAll(async () => {
  dir = await makeTempDir('crypto-costs')
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function craft(name: string, stanzas: Stanza[]): Promise<string> {
  const path = join(dir, name)
  await craftEncryptedFile(path, stanzas)
  return path
}

describe('cost bounds are checked before any key work', () => {
  it('32 maximum-cost scrypt stanzas: exit 2 naming the one-stanza bound, at once', async () => {
    const path = await craft(
      'many.llmsec',
      Array.from({length: 32}, () => scryptStanza(20, 32, 4)),
    )
    const started = performance.now()
    await expect(openEncryptedFile(path, [passphrase])).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      exit: 2,
      message: expect.stringMatching(/32 passphrase \(scrypt\) stanzas; a file may have at most 1/),
    })
    // Even without a passphrase: the format allows one scrypt stanza, whoever reads it.
    await expect(
      openEncryptedFile(path, [{kind: 'key-file', key: randomBytes(32), source: 'k'}]),
    ).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    })
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('one stanza over the work factor: exit 2 naming the bound and the flag, before scrypt runs', async () => {
    const path = await craft('costly.llmsec', [scryptStanza(20, 32, 4)])
    const started = performance.now()
    const error = await openEncryptedFile(path, [passphrase]).catch((e: unknown) => e)
    expect(error).toMatchObject({code: 'LIMIT_EXCEEDED', exit: 2})
    expect((error as Error).message).toMatch(/maximum work factor 18/)
    expect((error as {hints: string[]}).hints.join(' ')).toMatch(/--max-work-factor/)
    expect(performance.now() - started).toBeLessThan(2000)
    // r and p count too: 2^18 with r = 8 and p = 4 is four times the default bound.
    const wide = await craft('wide.llmsec', [scryptStanza(18, 8, 4)])
    await expect(openEncryptedFile(wide, [passphrase])).rejects.toMatchObject({code: 'LIMIT_EXCEEDED'})
  })

  it('the work factor a user raises admits the file (a wrong passphrase then fails as usual)', async () => {
    const path = await craft('raised.llmsec', [scryptStanza(11, 8, 2)])
    await expect(openEncryptedFile(path, [{...passphrase, maxWorkFactor: 10}])).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    })
    await expect(openEncryptedFile(path, [{...passphrase, maxWorkFactor: 12}])).rejects.toMatchObject({
      code: 'KEY_MISMATCH',
    })
  })

  it('benign twin: a passphrase file as llmsec writes it opens', async () => {
    const input = join(dir, 'plain')
    await writeFile(input, 'weights')
    await encryptFile(input, `${input}.llmsec`, {recipients: [{kind: 'passphrase', passphrase: 'pw'}]})
    const opened = await openEncryptedFile(`${input}.llmsec`, [passphrase])
    expect(opened.header.plaintextLength).toBe(7)
  })

  it('more than 32 stanzas or a header over 64 KiB: exit 2 naming the bound', async () => {
    const path = await craft('count.llmsec', [scryptStanza(10, 1, 1)])
    const bytes = Buffer.from(await import('node:fs/promises').then((fs) => fs.readFile(path)))
    bytes[11] = 33
    await writeFile(path, bytes)
    await expect(openEncryptedFile(path, [passphrase])).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringMatching(/33 recipient stanzas, over the bound of 32/),
    })
    bytes[11] = 1
    bytes.writeUInt32BE(65_537, 12)
    await writeFile(path, bytes)
    await expect(openEncryptedFile(path, [passphrase])).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringMatching(/65537 bytes, over the 65536-byte header bound/),
    })
  })
})
