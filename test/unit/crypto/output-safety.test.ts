import {createHash, randomBytes} from 'node:crypto'
import {appendFileSync} from 'node:fs'
import {link, readFile, readdir, rename, rm, stat, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Identity, type Recipient, decryptFile, encryptFile, parseOutputMode} from '../../../src/crypto/index.js'
import {createPendingOutput} from '../../../src/crypto/output-file.js'
import {makeTempDir} from '../../helpers/crypto-keys.js'

let dir: string
const key = randomBytes(32)
const recipients: Recipient[] = [{kind: 'key-file', key, source: 'k'}]
const identities: Identity[] = [{kind: 'key-file', key, source: 'k'}]
const digest = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex')

beforeAll(async () => {
  dir = await makeTempDir('crypto-safety')
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function plainFile(name: string, size = 100_000): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, randomBytes(size))
  return path
}

describe('same-file refusal', () => {
  it('refuses the input as its own output, directly, through a symlink and through a hard link', async () => {
    const x = await plainFile('x')
    const before = await digest(x)
    await symlink(x, join(dir, 'x-link'))
    await link(x, join(dir, 'x-hard'))
    for (const output of [x, join(dir, 'x-link'), join(dir, 'x-hard'), join(dir, '.', 'x')]) {
      await expect(
        encryptFile(x, output, {recipients, force: true, removePlaintext: true}),
        output,
      ).rejects.toMatchObject({code: 'SAME_FILE', exit: 2})
      expect(await digest(x)).toBe(before)
    }
    const enc = await plainFile('y')
    await encryptFile(enc, `${enc}.llmsec`, {recipients})
    await expect(decryptFile(`${enc}.llmsec`, `${enc}.llmsec`, {identities, force: true})).rejects.toMatchObject({
      code: 'SAME_FILE',
    })
  })

  it('benign twin: another output with --force and --remove-plaintext encrypts and removes the input', async () => {
    const x = await plainFile('twin')
    const before = await readFile(x)
    const result = await encryptFile(x, join(dir, 'twin.enc'), {recipients, force: true, removePlaintext: true})
    expect(result.removedPlaintext).toBe(true)
    await expect(stat(x)).rejects.toThrow()
    await decryptFile(join(dir, 'twin.enc'), x, {identities})
    expect((await readFile(x)).equals(before)).toBe(true)
  })
})

describe('--remove-plaintext removes only an unchanged, singly linked file', () => {
  it('an input appended to during encryption is kept and nothing is written', async () => {
    const x = await plainFile('grow')
    const onProgress = (p: {phase: string}) => {
      if (p.phase === 'encrypting') appendFileSync(x, 'more')
    }
    await expect(
      encryptFile(x, `${x}.llmsec`, {recipients, removePlaintext: true, workers: 0, onProgress}),
    ).rejects.toMatchObject({code: 'INPUT_CHANGED', exit: 2})
    expect((await stat(x)).size).toBeGreaterThan(100_000)
    expect((await readdir(dir)).filter((f) => f.includes('grow.'))).toEqual([])
  })

  it('an input changed after encryption, during read-back, is kept', async () => {
    const x = await plainFile('late')
    let appended = false
    const onProgress = (p: {phase: string}) => {
      if (p.phase === 'verifying' && !appended) {
        appended = true
        appendFileSync(x, 'late')
      }
    }
    await expect(
      encryptFile(x, `${x}.llmsec`, {recipients, removePlaintext: true, workers: 0, onProgress}),
    ).rejects.toMatchObject({code: 'INPUT_CHANGED'})
    expect((await stat(x)).size).toBe(100_004)
  })

  it('an input replaced by another file under the same name is kept', async () => {
    const x = await plainFile('swapped')
    const onProgress = async (p: {phase: string}) => {
      if (p.phase === 'verifying') await rename(await plainFile('other'), x)
    }
    await expect(
      encryptFile(x, `${x}.llmsec`, {
        recipients,
        removePlaintext: true,
        workers: 0,
        onProgress: (p) => void onProgress(p),
      }),
    ).rejects.toMatchObject({code: 'INPUT_CHANGED'})
    await stat(x)
  })

  it('an input with another hard link is kept, with a warning', async () => {
    const x = await plainFile('linked')
    await link(x, join(dir, 'linked-2'))
    const result = await encryptFile(x, `${x}.llmsec`, {recipients, removePlaintext: true})
    expect(result.removedPlaintext).toBe(false)
    expect(result.warnings?.[0]).toMatch(/2 hard links/)
    await stat(x)
  })

  it('a symlink input is kept, with a warning, and so is its target', async () => {
    const target = await plainFile('target')
    await symlink(target, join(dir, 'sym'))
    const result = await encryptFile(join(dir, 'sym'), join(dir, 'sym.llmsec'), {recipients, removePlaintext: true})
    expect(result.warnings?.[0]).toMatch(/symbolic link/)
    await stat(join(dir, 'sym'))
    await stat(target)
  })
})

describe('outputs', () => {
  it('the temporary file is created fresh with mode 0600, and gets its final mode only at the rename', async () => {
    const out = join(dir, 'fresh')
    const pending = await createPendingOutput(out, 4, Buffer.from('data'), {mode: 0o640})
    expect((await stat(pending.temp)).mode & 0o7777).toBe(0o600)
    await pending.commit()
    expect((await stat(out)).mode & 0o7777).toBe(0o640)
  })

  it('--mode: octal only, never setuid, setgid, sticky or world-write', () => {
    expect(parseOutputMode('0640')).toBe(0o640)
    expect(parseOutputMode('755')).toBe(0o755)
    for (const bad of ['4755', '2755', '1755', '0777', '0666', 'u+s', '99', '', '0o644']) {
      expect(() => parseOutputMode(bad), bad).toThrow(expect.objectContaining({code: 'MODE_INVALID', exit: 2}))
    }
  })

  it('a temporary file replaced by another before the rename is refused and nothing lands', async () => {
    const out = join(dir, 'replaced')
    const pending = await createPendingOutput(out, 10, Buffer.from('0123456789'))
    await rm(pending.temp)
    await writeFile(pending.temp, 'attacker')
    await expect(pending.commit()).rejects.toMatchObject({code: 'OUTPUT_REPLACED'})
    await expect(stat(out)).rejects.toThrow()
  })

  it('outputs get 0644 minus the umask, whatever the input mode', async () => {
    const x = await plainFile('modes')
    const {chmod} = await import('node:fs/promises')
    await chmod(x, 0o4777)
    await encryptFile(x, `${x}.llmsec`, {recipients})
    expect((await stat(`${x}.llmsec`)).mode & 0o7777).toBe(0o644 & ~process.umask())
    await chmod(`${x}.llmsec`, 0o6777)
    await decryptFile(`${x}.llmsec`, `${x}.out`, {identities})
    expect((await stat(`${x}.out`)).mode & 0o7777).toBe(0o644 & ~process.umask())
    await decryptFile(`${x}.llmsec`, `${x}.out2`, {identities, mode: 0o600})
    expect((await stat(`${x}.out2`)).mode & 0o7777).toBe(0o600)
  })
})
