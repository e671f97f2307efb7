import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCliJson} from '../../helpers/cli.js'
import {assertValid, loadDocSchema} from '../../helpers/schema.js'
import {CLI_TEST_TIMEOUT_MS, flipByte, makeModelDir, makeSparseFile, makeTempDir} from '../../helpers/model-dir.js'

interface VerifyJson {
  verified: boolean
  method: string
  files: number
  bytes: number
  mismatches: {path: string; reason: string}[]
}

const GiB = 1024 ** 3
let work: {dir: string; cleanup: () => Promise<void>}
let model: string

beforeAll(async () => {
  work = await makeTempDir('llmsec-roundtrip-')
  model = await makeModelDir(join(work.dir, 'model'))
  await makeSparseFile(join(model, 'tokenizer', 'big.bin'), GiB)
  const keys = join(work.dir, 'keys')
  for (const args of [
    ['keys', 'generate', '--output', keys],
    ['keys', 'ca', '--output', join(work.dir, 'pki')],
    [
      'keys',
      'cert',
      '--ca-cert',
      join(work.dir, 'pki', 'ca-cert.pem'),
      '--ca-key',
      join(work.dir, 'pki', 'ca-private.pem'),
    ],
  ]) {
    const extra = args[1] === 'cert' ? ['--subject', 'CN=release-bot', '--output', join(work.dir, 'signer')] : []
    const run = await runCliJson([...args, ...extra])
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    assertValid(loadDocSchema('keys'), run.json)
  }
}, CLI_TEST_TIMEOUT_MS)

afterAll(async () => work?.cleanup())

const expectedNames = [
  'config.json',
  'empty.txt',
  'tokenizer/big.bin',
  'tokenizer/extra/deep/empty.bin',
  'tokenizer/tokenizer.json',
  'weights.bin',
]

async function signedNames(signature: string): Promise<string[]> {
  const bundle = JSON.parse(await readFile(signature, 'utf8'))
  const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'))
  return statement.predicate.resources.map((resource: {name: string}) => resource.name)
}

describe('sign → verify round trip (nested folders, empty files, a 1 GiB file)', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  it('key method', async () => {
    const sign = await runCliJson(['sign', model, '--key', join(work.dir, 'keys', 'private.pem')], {timeoutMs: 120_000})
    expect(sign.exitCode, sign.stderr).toBe(0)
    assertValid(loadDocSchema('sign'), sign.json)
    expect(await signedNames(join(model, 'model.sig'))).toEqual(expectedNames)
    const verify = await runCliJson<VerifyJson>(['verify', model, '--key', join(work.dir, 'keys', 'public.pem')], {
      timeoutMs: 120_000,
    })
    expect(verify.exitCode, verify.stdout).toBe(0)
    assertValid(loadDocSchema('verify'), verify.json)
    expect(verify.json).toMatchObject({verified: true, method: 'key', files: 6, mismatches: []})
    expect(verify.json.bytes).toBeGreaterThan(GiB)
  })

  it('certificate method, signature outside the model, then one byte of the 1 GiB file changes', async () => {
    const signature = join(work.dir, 'model.cert.sig')
    const signer = join(work.dir, 'signer')
    const sign = await runCliJson(
      ['sign', model, '--key', join(signer, 'private.pem'), '--cert', join(signer, 'cert.pem'), '--output', signature],
      {timeoutMs: 120_000},
    )
    expect(sign.exitCode, sign.stderr).toBe(0)
    expect(sign.json).toMatchObject({method: 'certificate', files: 7}) // model.sig from the key test is a file now
    const args = ['verify', model, '--signature', signature, '--cert-chain', join(work.dir, 'pki', 'ca-cert.pem')]
    const ok = await runCliJson<VerifyJson>(args, {timeoutMs: 120_000})
    expect(ok.exitCode, ok.stdout).toBe(0)
    expect(ok.json).toMatchObject({verified: true, method: 'certificate'})
    await flipByte(join(model, 'tokenizer', 'big.bin'), GiB / 2)
    const bad = await runCliJson<VerifyJson>(args, {timeoutMs: 120_000})
    expect(bad.exitCode).toBe(1)
    expect(bad.json.mismatches).toEqual([expect.objectContaining({path: 'tokenizer/big.bin', reason: 'modified'})])
  })
})
