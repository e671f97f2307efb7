import {mkdir, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {generateKeyFiles, signModel} from '../../src/artifacts/index.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {CLI_TEST_TIMEOUT_MS, makeModelDir, makeTempDir} from '../helpers/model-dir.js'

let work: {dir: string; cleanup: () => Promise<void>}
const at = (...parts: string[]) => join(work.dir, ...parts)

beforeAll(async () => {
  work = await makeTempDir('llmsec-input-')
  await generateKeyFiles(at('keys'), {algorithm: 'ecdsa-p256'})
  await makeModelDir(at('model'))
  await signModel(at('model'), {key: at('keys', 'private.pem')})
})
afterAll(async () => work?.cleanup())

describe('symlinks', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  it('a symlink pointing outside the directory is refused, even with --allow-symlinks', async () => {
    const model = await makeModelDir(at('outside'))
    await writeFile(at('secret.txt'), 'not part of the model')
    await symlink(at('secret.txt'), join(model, 'linked.txt'))
    const plain = await runCli(['sign', model, '--key', at('keys', 'private.pem')])
    expect(plain.exitCode).toBe(2)
    expect(plain.stderr).toMatch(/linked\.txt is a symlink/)
    const allowed = await runCli(['sign', model, '--key', at('keys', 'private.pem'), '--allow-symlinks'])
    expect(allowed.exitCode).toBe(2)
    expect(allowed.stderr).toMatch(/Symlink linked\.txt points outside the model directory/)
  })

  it('with --allow-symlinks a link inside the model is hashed under its own name', async () => {
    const model = await makeModelDir(at('inside'))
    await symlink('weights.bin', join(model, 'alias.bin'))
    const sign = await runCliJson<{files: number}>([
      'sign',
      model,
      '--key',
      at('keys', 'private.pem'),
      '--allow-symlinks',
    ])
    expect(sign.exitCode, sign.stderr).toBe(0)
    expect(sign.json.files).toBe(6)
    expect((await runCli(['verify', model, '--key', at('keys', 'public.pem')])).exitCode).toBe(0)
  })
})

describe('unusable input exits 2 with one line naming the problem', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  it.each([
    ['not JSON', '{"mediaType": ', /model\.sig: is not JSON/],
    ['a JSON array', '[]', /field bundle must be an object/],
    [
      'lacking dsseEnvelope',
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: {publicKey: {hint: 'ab'}},
      }),
      /lacks field dsseEnvelope/,
    ],
  ])('a signature file that is %s', async (_name, content, message) => {
    const model = at(`bad-${_name.replace(/\W+/g, '-')}`)
    await makeModelDir(model)
    await writeFile(join(model, 'model.sig'), content)
    const run = await runCli(['verify', model, '--key', at('keys', 'public.pem')])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('a signature lacking a field deep inside, under --json', async () => {
    const model = at('deep')
    await makeModelDir(model)
    const {readFile} = await import('node:fs/promises')
    const bundle = JSON.parse(await readFile(at('model', 'model.sig'), 'utf8'))
    delete bundle.dsseEnvelope.signatures[0].sig
    await writeFile(join(model, 'model.sig'), JSON.stringify(bundle))
    const run = await runCliJson<{error: {code: string; message: string}}>([
      'verify',
      model,
      '--key',
      at('keys', 'public.pem'),
    ])
    expect(run.exitCode).toBe(2)
    expect(run.json.error).toMatchObject({code: 'SIGNATURE_MALFORMED'})
    expect(run.json.error.message).toMatch(/lacks field dsseEnvelope\.signatures\[0\]\.sig/)
  })

  it('a missing signature file, a malformed key, and both --key and --cert-chain', async () => {
    await mkdir(at('unsigned'))
    await writeFile(at('unsigned', 'a.bin'), 'a')
    const missing = await runCli(['verify', at('unsigned'), '--key', at('keys', 'public.pem')])
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toMatch(/model\.sig does not exist/)
    await writeFile(at('garbage.pem'), 'hello')
    const badKey = await runCli(['verify', at('model'), '--key', at('garbage.pem')])
    expect(badKey.exitCode).toBe(2)
    expect(badKey.stderr).toMatch(/garbage\.pem is not a PEM public key/)
    const both = await runCli([
      'verify',
      at('model'),
      '--key',
      at('keys', 'public.pem'),
      '--cert-chain',
      at('keys', 'public.pem'),
    ])
    expect(both.exitCode).toBe(2)
    expect(both.stderr).toMatch(/either --key or --cert-chain/)
  })
})
