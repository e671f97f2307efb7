import {existsSync} from 'node:fs'
import {copyFile, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {verifyModel, type VerifyOptions} from '../../../src/artifacts/index.js'
import {LlmsecError} from '../../../src/core/errors.js'
import {runCli, runCliJson, sharedDir} from '../../helpers/cli.js'
import {skipReason} from '../../helpers/env.js'
import {CLI_TEST_TIMEOUT_MS, copyDir, findOmsDir, flipByte, makeTempDir} from '../../helpers/model-dir.js'
import {assertValid, loadDocSchema} from '../../helpers/schema.js'

// A model signed by the reference model_signing with Sigstore keyless signing (public-good
// Fulcio and Rekor), verified offline against the public-good trusted root from sigstore-python.
const oms = findOmsDir() ?? join(sharedDir, 'interop', 'oms')
const reference = join(oms, 'model-transparency', 'v1.0.1-sigstore')
const trustRoot = join(oms, '..', 'sigstore', 'trusted_root.json')
const noShared = skipReason(
  !existsSync(reference) || !existsSync(trustRoot),
  `../shared is absent (${sharedDir}): keyless tests need the reference bundle and the Sigstore trusted root`,
)
// The identity and issuer that the reference's own test script (test-verify-v1.0.1-sigstore.sh) passes.
const IDENTITY = 'stefanb@us.ibm.com'
const ISSUER = 'https://sigstore.verify.ibm.com/oauth2'

let work: {dir: string; cleanup: () => Promise<void>}
let counter = 0
beforeAll(async () => {
  work = await makeTempDir('llmsec-sigstore-')
})
afterAll(async () => work?.cleanup())

const copy = () => copyDir(reference, join(work.dir, `model-${++counter}`))
const policy = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
  trustRoot,
  identity: IDENTITY,
  issuer: ISSUER,
  ignorePaths: ['ignore-me'],
  ...extra,
})

describe.skipIf(noShared)(
  'Sigstore keyless bundles of the reference tool, offline',
  {timeout: CLI_TEST_TIMEOUT_MS},
  () => {
    it('verifies with the identity and issuer of the reference test script, from outside and inside the model', async () => {
      const model = await copy()
      const args = ['--trust-root', trustRoot, '--identity', IDENTITY, '--issuer', ISSUER]
      const run = await runCliJson<Record<string, unknown>>(['verify', model, ...args, '--ignore-paths', 'ignore-me'])
      expect(run.exitCode, run.stdout + run.stderr).toBe(0)
      assertValid(loadDocSchema('verify'), run.json)
      expect(run.json).toMatchObject({
        verified: true,
        method: 'sigstore',
        files: 2,
        signer: {identities: [IDENTITY], oidcIssuer: ISSUER},
        ignoredFiles: ['ignore-me', 'model.sig'],
      })
      const inside = await runCli(['verify', '.', ...args, '--ignore-paths', 'ignore-me', '--signature', 'model.sig'], {
        cwd: model,
      })
      expect(inside.exitCode, inside.stdout + inside.stderr).toBe(0)
    })

    it('a tampered file fails (exit 1) naming the file', async () => {
      const model = await copy()
      await flipByte(join(model, 'signme-1'), 0)
      const run = await runCliJson<{mismatches: {path: string; reason: string}[]}>([
        'verify',
        model,
        '--trust-root',
        trustRoot,
        '--identity',
        IDENTITY,
        '--issuer',
        ISSUER,
        '--ignore-paths',
        'ignore-me',
      ])
      expect(run.exitCode).toBe(1)
      expect(run.json.mismatches).toEqual([expect.objectContaining({path: 'signme-1', reason: 'modified'})])
    })

    it.each([
      ['another identity', {identity: 'someone@us.ibm.com'}],
      ['another issuer', {issuer: 'https://accounts.google.com'}],
      [
        'a regexp matching only part of the identity (regexps are anchored)',
        {identity: undefined, identityRegexp: 'stefanb'},
      ],
      [
        'an issuer regexp for another host',
        {issuer: undefined, issuerRegexp: 'https://sigstore\\.verify\\.ibm\\.com/oauth'},
      ],
    ])('%s fails with identity-mismatch and the model unread', async (_name, extra) => {
      const result = await verifyModel(await copy(), policy(extra))
      expect(result).toMatchObject({verified: false, signatureVerified: false, files: 0})
      expect(result.mismatches).toEqual([expect.objectContaining({reason: 'identity-mismatch'})])
    })

    it('a regexp over the whole identity passes', async () => {
      const result = await verifyModel(
        await copy(),
        policy({identity: undefined, identityRegexp: '[a-z]+@us\\.ibm\\.com'}),
      )
      expect(result.verified).toBe(true)
    })

    it('without an identity or issuer the bundle is not verified at all (exit 2)', async () => {
      const model = await copy()
      const run = await runCli(['verify', model, '--trust-root', trustRoot, '--issuer', ISSUER])
      expect(run.exitCode).toBe(2)
      expect(run.stderr).toMatch(/pass --identity/)
    })

    it('an edited statement breaks the signature and the log entry (bad-signature)', async () => {
      const model = await copy()
      const sig = join(model, 'model.sig')
      const bundle = JSON.parse(await readFile(sig, 'utf8'))
      const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString().replace('"signme-2"', '"signme-3"')
      bundle.dsseEnvelope.payload = Buffer.from(payload).toString('base64')
      await writeFile(sig, JSON.stringify(bundle))
      const result = await verifyModel(model, policy())
      expect(result.mismatches).toEqual([expect.objectContaining({reason: 'bad-signature'})])
    })

    it('a trusted root without the Fulcio CA makes the signer untrusted', async () => {
      const root = JSON.parse(await readFile(trustRoot, 'utf8'))
      root.certificateAuthorities = []
      const other = join(work.dir, 'no-fulcio.json')
      await writeFile(other, JSON.stringify(root))
      const result = await verifyModel(await copy(), policy({trustRoot: other}))
      expect(result.mismatches).toEqual([expect.objectContaining({reason: 'untrusted-signer'})])
    })

    it('a trusted root that is not one is exit 2 naming the file', async () => {
      const bad = join(work.dir, 'bad-root.json')
      await writeFile(bad, '{"tlogs": 5}')
      const error = await verifyModel(await copy(), policy({trustRoot: bad})).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(LlmsecError)
      expect((error as LlmsecError).message).toMatch(/bad-root\.json is not a Sigstore trusted root/)
    })

    it('the spec test vector sigstore.bundle.json (same files, recorded ignore paths) verifies the model', async () => {
      const model = await copy()
      await copyFile(
        join(oms, 'spec', 'test-vectors', 'v1.0', 'valid', 'sigstore.bundle.json'),
        join(model, 'model.sig'),
      )
      const result = await verifyModel(model, policy({ignorePaths: []}))
      expect(result.mismatches).toEqual([])
    })

    it('signing.trustRoot, identity and issuer from llmsec.yaml are used', async () => {
      const model = await copy()
      const config = join(work.dir, 'llmsec.yaml')
      await writeFile(config, `signing:\n  trustRoot: ${trustRoot}\n  identity: ${IDENTITY}\n  issuer: ${ISSUER}\n`)
      const run = await runCli(['verify', model, '--config', config, '--ignore-paths', 'ignore-me'])
      expect(run.exitCode, run.stdout + run.stderr).toBe(0)
      const other = await runCli([
        'verify',
        model,
        '--config',
        config,
        '--ignore-paths',
        'ignore-me',
        '--identity',
        'x@y',
      ])
      expect(other.exitCode).toBe(1)
    })
  },
)
