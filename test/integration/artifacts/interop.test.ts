import {readdirSync, readFileSync} from 'node:fs'
import {copyFile, readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {generateKeyFiles, parseBundle, signModel} from '../../../src/artifacts/index.js'
import {runCli, runCliJson, sharedDir} from '../../helpers/cli.js'
import {skipReason} from '../../helpers/env.js'
import {CLI_TEST_TIMEOUT_MS, copyDir, findOmsDir, flipByte, makeModelDir, makeTempDir} from '../../helpers/model-dir.js'

const oms = findOmsDir() ?? join(sharedDir, 'interop', 'oms')
const reference = join(oms, 'model-transparency')
const vectors = join(oms, 'spec', 'test-vectors', 'v1.0')
const noShared = skipReason(
  findOmsDir() === null,
  `../shared is absent (${sharedDir}): OMS interop tests need the reference bundles`,
)

interface VerifyJson {
  verified: boolean
  method: string
  mismatches: {path: string; reason: string}[]
}

let work: {dir: string; cleanup: () => Promise<void>}
beforeAll(async () => {
  work = await makeTempDir('llmsec-interop-')
})
afterAll(async () => work?.cleanup())

const keyArgs = () => ['--key', join(reference, 'keys', 'signing-key-pub.pem')]
const certArgs = () => ['--cert-chain', join(reference, 'keys', 'ca-cert.pem')]

describe.skipIf(noShared)('bundles made by the reference model_signing tool', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  it.each([
    ['v1.0.1-elliptic-key', 'key', keyArgs, 'signme-1'],
    ['v1.0.1-certificate', 'certificate', certArgs, 'signme-2'],
  ])(
    '%s verifies (%s method, publicKey.rawBytes / x509CertificateChain) and fails after one byte changes',
    async (dir, method, args, victim) => {
      const model = await copyDir(join(reference, dir), join(work.dir, dir))
      const ok = await runCliJson<VerifyJson>(['verify', model, ...args(), '--ignore-paths', 'ignore-me'])
      expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0)
      expect(ok.json).toMatchObject({verified: true, method, mismatches: []})
      const unsigned = await runCliJson<VerifyJson>(['verify', model, ...args()])
      expect(unsigned.json.mismatches).toEqual([expect.objectContaining({path: 'ignore-me', reason: 'extra'})])
      await flipByte(join(model, victim), 0)
      const bad = await runCliJson<VerifyJson>(['verify', model, ...args(), '--ignore-paths', 'ignore-me'])
      expect(bad.exitCode).toBe(1)
      expect(bad.json.mismatches).toEqual([expect.objectContaining({path: victim, reason: 'modified'})])
    },
  )

  it('the certificate bundle also verifies with the intermediate given too', async () => {
    const model = await copyDir(join(reference, 'v1.0.1-certificate'), join(work.dir, 'cert-int'))
    const chain = ['--cert-chain', join(reference, 'keys', 'ca-cert.pem'), join(reference, 'keys', 'int-ca-cert.pem')]
    const run = await runCli(['verify', model, ...chain, '--ignore-paths', 'ignore-me'])
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
  })

  it.each([
    ['key.bundle.json', keyArgs],
    ['certificate.bundle.json', certArgs],
  ])(
    'the spec vector %s (newer publicKey.hint form, ignore_paths recorded) verifies its model',
    async (vector, args) => {
      // Both vectors sign the files of the elliptic-key directory; ignore-me is in their ignore_paths.
      const model = await copyDir(join(reference, 'v1.0.1-elliptic-key'), join(work.dir, `vector-${vector}`))
      await copyFile(join(vectors, 'valid', vector), join(model, 'model.sig'))
      const run = await runCliJson<VerifyJson>(['verify', model, ...args()])
      expect(run.exitCode, run.stdout).toBe(0)
    },
  )
})

describe.skipIf(noShared)('OMS schemas and test vectors', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  function loadValidators() {
    const ajv = new Ajv2020({allErrors: true, strict: false})
    const dir = join(oms, 'spec', 'schemas', 'v1.0')
    for (const file of readdirSync(dir)) ajv.addSchema(JSON.parse(readFileSync(join(dir, file), 'utf8')))
    const bundle = ajv.getSchema('https://model_signing/bundle/v1.0/schema')
    const statement = ajv.getSchema('https://model_signing/statement/v1.0/schema')
    if (!bundle || !statement) throw new Error('OMS schemas did not load')
    return {ajv, bundle, statement}
  }

  it('every bundle llmsec writes validates against the bundle and statement schemas', async () => {
    const {ajv, bundle, statement} = loadValidators()
    const model = await makeModelDir(join(work.dir, 'schema-model'))
    await generateKeyFiles(join(work.dir, 'schema-keys'), {algorithm: 'ecdsa-p521'})
    const {createCaFiles, issueCertificateFiles} = await import('../../../src/artifacts/index.js')
    await createCaFiles(join(work.dir, 'schema-pki'), {algorithm: 'ecdsa-p256', subject: 'CN=root', days: 2})
    await issueCertificateFiles(join(work.dir, 'schema-signer'), {
      algorithm: 'ecdsa-p384',
      caCert: join(work.dir, 'schema-pki', 'ca-cert.pem'),
      caKey: join(work.dir, 'schema-pki', 'ca-private.pem'),
      subject: 'CN=signer',
      days: 2,
    })
    const single = join(model, 'weights.bin')
    const outputs = [
      await signModel(model, {key: join(work.dir, 'schema-keys', 'private.pem'), ignorePaths: ['empty.txt']}),
      await signModel(model, {
        key: join(work.dir, 'schema-signer', 'private.pem'),
        cert: join(work.dir, 'schema-signer', 'cert.pem'),
        chain: [join(work.dir, 'schema-pki', 'ca-cert.pem')],
        signature: join(work.dir, 'cert.sig'),
      }),
      await signModel(single, {key: join(work.dir, 'schema-keys', 'private.pem')}),
    ]
    for (const output of outputs) {
      const written = JSON.parse(await readFile(output.signatureFile, 'utf8'))
      expect(bundle(written), `${output.signatureFile}: ${ajv.errorsText(bundle.errors)}`).toBe(true)
      const payload = JSON.parse(Buffer.from(written.dsseEnvelope.payload, 'base64').toString('utf8'))
      expect(statement(payload), ajv.errorsText(statement.errors)).toBe(true)
    }
  })

  it('valid vectors are accepted structurally', () => {
    for (const file of readdirSync(join(vectors, 'valid'))) {
      const text = readFileSync(join(vectors, 'valid', file), 'utf8')
      expect(() => parseBundle(text, file), file).not.toThrow()
    }
  })

  it.each([
    ['invalid/empty.bundle.json', /is empty/],
    ['invalid/missing-envelope.bundle.json', /lacks field dsseEnvelope/],
    ['invalid/missing-tlog-entries.bundle.json', /lacks field verificationMaterial\.tlogEntries/],
    ['invalid/missing-verification-material.bundle.json', /lacks field verificationMaterial/],
  ])('%s is rejected with exit 2 naming the problem', async (vector, message) => {
    const model = await copyDir(
      join(reference, 'v1.0.1-elliptic-key'),
      join(work.dir, `bad-${vector.replace('/', '-')}`),
    )
    await rm(join(model, 'model.sig'))
    const run = await runCli(['verify', model, '--signature', join(vectors, vector), ...keyArgs()])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('invalid-payload/wrong-predicate.bundle.json fails on its signature before its statement is read', async () => {
    const model = await copyDir(join(reference, 'v1.0.1-elliptic-key'), join(work.dir, 'bad-wrong-predicate'))
    const vector = join(vectors, 'invalid-payload', 'wrong-predicate.bundle.json')
    const run = await runCliJson<VerifyJson & {signatureVerified: boolean; files: number}>([
      'verify',
      model,
      '--signature',
      vector,
      ...keyArgs(),
    ])
    expect(run.exitCode).toBe(1)
    expect(run.json).toMatchObject({verified: false, signatureVerified: false, files: 0})
    expect(run.json.mismatches).toEqual([expect.objectContaining({reason: 'bad-signature'})])
  })
})
