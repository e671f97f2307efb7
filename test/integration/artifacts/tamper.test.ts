import {readFile, rename, rm, truncate, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {
  createCaFiles,
  generateKeyFiles,
  issueCertificateFiles,
  KeyUsage,
  signModel,
  verifyModel,
} from '../../../src/artifacts/index.js'
import {runCli, runCliJson} from '../../helpers/cli.js'
import {assertValid, loadDocSchema} from '../../helpers/schema.js'
import {CLI_TEST_TIMEOUT_MS, copyDir, flipByte, makeModelDir, makeTempDir} from '../../helpers/model-dir.js'
import {writeCraftedBundle} from '../../helpers/oms-bundle.js'

interface VerifyJson {
  verified: boolean
  mismatches: {path: string; reason: string; detail?: string}[]
}

let work: {dir: string; cleanup: () => Promise<void>}
let pristine: string
let counter = 0
const at = (...parts: string[]) => join(work.dir, ...parts)

beforeAll(async () => {
  work = await makeTempDir('llmsec-tamper-')
  pristine = await makeModelDir(at('pristine'))
  // Setup runs in-process (the CLI's keys and sign commands have their own tests); verify runs the CLI.
  await generateKeyFiles(at('keys'), {algorithm: 'ecdsa-p256'})
  await generateKeyFiles(at('other'), {algorithm: 'ecdsa-p256'})
  await createCaFiles(at('other-pki'), {algorithm: 'ecdsa-p256', subject: 'CN=Another root', days: 30})
  await signModel(pristine, {key: at('keys', 'private.pem')})
})

afterAll(async () => work?.cleanup())

/** A fresh copy of the signed model to tamper with. */
async function signedCopy(): Promise<string> {
  return copyDir(pristine, at(`copy-${++counter}`))
}

async function verifyKey(model: string, key = at('keys', 'public.pem')) {
  const run = await runCliJson<VerifyJson>(['verify', model, '--key', key])
  assertValid(loadDocSchema('verify'), run.json)
  return run
}

describe('each tamper is detected and named (key method)', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  it('the untouched copy verifies', async () => {
    const run = await verifyKey(await signedCopy())
    expect(run.exitCode).toBe(0)
  })

  it.each([
    ['one byte changed', (m: string) => flipByte(join(m, 'weights.bin'), 1000), [['weights.bin', 'modified']]],
    [
      'a file added',
      (m: string) => writeFile(join(m, 'tokenizer', 'added.txt'), 'x'),
      [['tokenizer/added.txt', 'extra']],
    ],
    ['a file removed', (m: string) => rm(join(m, 'config.json')), [['config.json', 'missing']]],
    [
      'a file renamed',
      (m: string) => rename(join(m, 'weights.bin'), join(m, 'weights2.bin')),
      [
        ['weights.bin', 'missing'],
        ['weights2.bin', 'extra'],
      ],
    ],
    ['a file truncated', (m: string) => truncate(join(m, 'weights.bin'), 100), [['weights.bin', 'modified']]],
    ['an empty file filled', (m: string) => writeFile(join(m, 'empty.txt'), 'now'), [['empty.txt', 'modified']]],
  ])('%s', async (_name, tamper, expected) => {
    const model = await signedCopy()
    await tamper(model)
    const run = await verifyKey(model)
    expect(run.exitCode).toBe(1)
    expect(run.json.verified).toBe(false)
    expect(run.json.mismatches.map((m) => [m.path, m.reason])).toEqual(expected)
  })

  it('an added file passes with --ignore-unsigned-files, and an ignored path is left out', async () => {
    const model = await signedCopy()
    await writeFile(join(model, 'notes.txt'), 'x')
    expect(
      (await runCli(['verify', model, '--key', at('keys', 'public.pem'), '--ignore-unsigned-files'])).exitCode,
    ).toBe(0)
    expect(
      (await runCli(['verify', model, '--key', at('keys', 'public.pem'), '--ignore-paths', 'notes.txt'])).exitCode,
    ).toBe(0)
  })

  it('signed by another key', async () => {
    const run = await verifyKey(await signedCopy(), at('other', 'public.pem'))
    expect(run.exitCode).toBe(1)
    expect(run.json.mismatches).toEqual([
      expect.objectContaining({path: expect.stringMatching(/model\.sig$/), reason: 'bad-signature'}),
    ])
    expect(run.json.mismatches[0].detail).toMatch(/different key/)
  })

  it('a payload edited after signing', async () => {
    const model = await signedCopy()
    const signature = join(model, 'model.sig')
    const bundle = JSON.parse(await readFile(signature, 'utf8'))
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'))
    statement.predicate.resources[0].digest = '00'.repeat(32)
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64')
    await writeFile(signature, JSON.stringify(bundle))
    const run = await verifyKey(model)
    expect(run.exitCode).toBe(1)
    expect(run.json.mismatches.map((m) => m.reason)).toContain('bad-signature')
  })
})

describe('certificate problems are detected and named', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  const HOUR = 3_600_000
  const DAY = 24 * HOUR

  async function signWithCert(certDir: string): Promise<string> {
    const model = await signedCopy()
    await rm(join(model, 'model.sig'))
    await signModel(model, {key: join(certDir, 'private.pem'), cert: join(certDir, 'cert.pem')})
    return model
  }

  async function issue(name: string, options: {notBefore?: Date; days?: number; keyUsage?: number} = {}) {
    await issueCertificateFiles(at(name), {
      algorithm: 'ecdsa-p256',
      caCert: at('old-pki', 'ca-cert.pem'),
      caKey: at('old-pki', 'ca-private.pem'),
      subject: `CN=${name}`,
      days: options.days ?? 30,
      notBefore: options.notBefore,
      keyUsage: options.keyUsage,
      extendedKeyUsage: options.keyUsage === undefined ? undefined : [],
    })
    return at(name)
  }

  beforeAll(async () => {
    // A root valid from ten days ago, so that leaves can be judged at times the root covers.
    const notBefore = new Date(Date.now() - 10 * DAY)
    await createCaFiles(at('old-pki'), {algorithm: 'ecdsa-p384', subject: 'CN=Old root', days: 60, notBefore})
  })

  async function verifyCert(model: string, root = at('old-pki', 'ca-cert.pem')) {
    const run = await runCliJson<VerifyJson>(['verify', model, '--cert-chain', root])
    assertValid(loadDocSchema('verify'), run.json)
    return run
  }

  it('a good leaf verifies; a chain to another root does not', async () => {
    const model = await signWithCert(await issue('good'))
    expect((await verifyCert(model)).exitCode).toBe(0)
    const run = await verifyCert(model, at('other-pki', 'ca-cert.pem'))
    expect(run.exitCode).toBe(1)
    expect(run.json.mismatches.map((m) => m.reason)).toEqual(['untrusted-signer'])
  })

  it('a leaf that has expired by the time of verification', async () => {
    const model = await signWithCert(await issue('short', {notBefore: new Date(Date.now() - HOUR), days: 2}))
    const result = await verifyModel(model, {
      certChain: [at('old-pki', 'ca-cert.pem')],
      now: new Date(Date.now() + 5 * DAY),
    })
    expect(result.mismatches.map((m) => m.reason)).toEqual(['certificate-expired'])
    expect(result.mismatches[0].detail).toMatch(/CN=short expired on/)
  })

  it('a leaf judged before it became valid', async () => {
    const model = await signWithCert(await issue('recent', {notBefore: new Date(Date.now() - HOUR)}))
    const result = await verifyModel(model, {
      certChain: [at('old-pki', 'ca-cert.pem')],
      now: new Date(Date.now() - 2 * HOUR),
    })
    expect(result.mismatches.map((m) => m.reason)).toEqual(['certificate-not-yet-valid'])
  })

  it('a bundle made with a leaf without signing usage (crafted: sign refuses) fails', async () => {
    const dir = await issue('no-usage', {keyUsage: KeyUsage.keyEncipherment})
    const model = await signedCopy()
    const {statement} = await signedStatement(model)
    await writeCraftedBundle(join(model, 'model.sig'), join(dir, 'private.pem'), statement, [join(dir, 'cert.pem')])
    const run = await verifyCert(model)
    expect(run.exitCode).toBe(1)
    expect(run.json.mismatches.map((m) => m.reason)).toEqual(['wrong-key-usage'])
  })

  it.each([
    ['expired', {notBefore: new Date('2020-01-01T00:00:00Z')}, /expired on 2020-01-31/],
    ['future', {notBefore: new Date('2099-01-01T00:00:00Z')}, /is not valid before 2099-01-01/],
    ['no-signing', {keyUsage: KeyUsage.keyEncipherment}, /key usage without digitalSignature/],
  ])('sign refuses a %s certificate (exit 2)', async (name, options, message) => {
    const dir = await issue(`sign-${name}`, options)
    const run = await runCli([
      'sign',
      await signedCopy(),
      '--key',
      join(dir, 'private.pem'),
      '--cert',
      join(dir, 'cert.pem'),
    ])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(message)
  })
})

/** The statement llmsec signed for a model, to re-sign it with crafted material. */
async function signedStatement(model: string) {
  const bundle = JSON.parse(await readFile(join(model, 'model.sig'), 'utf8'))
  const payload = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'))
  return {statement: {resources: payload.predicate.resources, serialization: payload.predicate.serialization}}
}
