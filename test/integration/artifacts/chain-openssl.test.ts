import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {generateKeyFiles, signModel, verifyModel} from '../../../src/artifacts/index.js'
import {runCliJson} from '../../helpers/cli.js'
import {hasTool, skipReason} from '../../helpers/env.js'
import {CLI_TEST_TIMEOUT_MS, makeModelDir, makeTempDir} from '../../helpers/model-dir.js'
import {writeCraftedBundle, type CraftedStatement} from '../../helpers/oms-bundle.js'
import {createPki, type OpensslPki} from '../../helpers/openssl-pki.js'

// Every chain case is judged by llmsec and by `openssl verify -x509_strict -auth_level 2`
// (OpenSSL's 112-bit security level: no MD5/SHA-1, RSA >= 2048) over the same PKI, which
// openssl itself builds. The verdicts must agree; each bad case has a good twin.
const noOpenssl = skipReason(!hasTool('openssl'), 'openssl is not installed (Debian package openssl)')

let work: {dir: string; cleanup: () => Promise<void>}
let pki: OpensslPki
let model: string
let statement: CraftedStatement

beforeAll(async () => {
  if (noOpenssl) return
  work = await makeTempDir('llmsec-chain-')
  pki = await createPki(join(work.dir, 'pki'))
  await pki.root('root')
  await pki.root('other-root')
  await pki.issue('int', 'root', 'ca')
  await pki.issue('int-pathlen0', 'root', 'ca_pathlen0')
  await pki.issue('int-below-pathlen0', 'int-pathlen0', 'ca')
  await pki.issue('int-constrained', 'root', 'ca_constrained')
  await pki.issue('int-rsa', 'root', 'ca', {key: 'rsa2048'})
  await pki.issue('leaf', 'int', 'leaf')
  await pki.issue('leaf-deep', 'int-below-pathlen0', 'leaf')
  await pki.issue('leaf-under-pathlen0', 'int-pathlen0', 'leaf')
  await pki.issue('leaf-outside', 'int-constrained', 'leaf_outside')
  await pki.issue('leaf-inside', 'int-constrained', 'leaf')
  await pki.issue('leaf-critical', 'int', 'leaf_critical')
  await pki.issue('leaf-md5', 'int-rsa', 'leaf', {digest: 'md5'})
  await pki.issue('leaf-sha1', 'int-rsa', 'leaf', {digest: 'sha1'})
  await pki.issue('leaf-sha256-rsa-issuer', 'int-rsa', 'leaf')
  await pki.issue('leaf-rsa1024', 'int', 'leaf', {key: 'rsa1024'})
  await pki.issue('leaf-rsa2048', 'int', 'leaf', {key: 'rsa2048'})
  await pki.issueDated('leaf-expired', 'int', '20200101000000Z', '20200201000000Z')
  await pki.issueDated('leaf-future', 'int', '20990101000000Z', '20990201000000Z')
  model = await makeModelDir(join(work.dir, 'model'))
  await generateKeyFiles(join(work.dir, 'keys'), {algorithm: 'ecdsa-p256'})
  const signed = await signModel(model, {
    key: join(work.dir, 'keys', 'private.pem'),
    signature: join(work.dir, 'key.sig'),
  })
  const bundle = JSON.parse(await readFile(signed.signatureFile, 'utf8'))
  const payload = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString())
  statement = {resources: payload.predicate.resources, serialization: payload.predicate.serialization}
})
afterAll(async () => work?.cleanup())

/** Signs the model's statement with the leaf's key, embedding the leaf and `chain`; returns the bundle path. */
async function bundleFor(leaf: string, chain: string[]): Promise<string> {
  const path = join(work.dir, `${leaf}-${chain.join('+') || 'alone'}.sig`)
  const certificates = [pki.path(leaf), ...chain.map((name) => pki.path(name))]
  await writeCraftedBundle(path, pki.path(leaf, 'key'), statement, certificates)
  return path
}

async function llmsecAccepts(leaf: string, trusted: string[], chain: string[], allowPartialChain = false) {
  const result = await verifyModel(model, {
    signature: await bundleFor(leaf, chain),
    certChain: trusted.map((name) => pki.path(name)),
    allowPartialChain,
  })
  return {verified: result.verified, reasons: result.mismatches.map((m) => `${m.reason}: ${m.detail}`)}
}

type Case = [string, string, string[], string[], boolean, boolean?]
const cases: Case[] = [
  // name, leaf, trusted, bundle chain, expected verdict, --allow-partial-chain
  ['a good chain', 'leaf', ['root'], ['int'], true],
  ['a chain to another root', 'leaf', ['other-root'], ['int'], false],
  ['a CA below a pathlen:0 intermediate', 'leaf-deep', ['root'], ['int-below-pathlen0', 'int-pathlen0'], false],
  ['a leaf directly below a pathlen:0 intermediate', 'leaf-under-pathlen0', ['root'], ['int-pathlen0'], true],
  ['a leaf outside the name constraints', 'leaf-outside', ['root'], ['int-constrained'], false],
  ['a leaf inside the name constraints', 'leaf-inside', ['root'], ['int-constrained'], true],
  ['an unknown critical extension', 'leaf-critical', ['root'], ['int'], false],
  ['an MD5 signature', 'leaf-md5', ['root'], ['int-rsa'], false],
  ['a SHA-1 signature', 'leaf-sha1', ['root'], ['int-rsa'], false],
  ['a SHA-256 signature by the same RSA issuer', 'leaf-sha256-rsa-issuer', ['root'], ['int-rsa'], true],
  ['an RSA-1024 leaf', 'leaf-rsa1024', ['root'], ['int'], false],
  ['an RSA-2048 leaf', 'leaf-rsa2048', ['root'], ['int'], true],
  ['an intermediate given alone as the trust anchor', 'leaf', ['int'], [], false],
  ['the intermediate alone with --allow-partial-chain (openssl -partial_chain)', 'leaf', ['int'], [], true, true],
  ['root and intermediate both trusted, none in the bundle', 'leaf', ['root', 'int'], [], true],
  ['an expired leaf', 'leaf-expired', ['root'], ['int'], false],
  ['a leaf not yet valid', 'leaf-future', ['root'], ['int'], false],
]

describe.skipIf(noOpenssl)(
  'certificate chains: the same verdict as openssl verify -x509_strict',
  {timeout: CLI_TEST_TIMEOUT_MS},
  () => {
    it.each(cases)('%s', async (_name, leaf, trusted, chain, expected, partial = false) => {
      const openssl = await pki.opensslAccepts(leaf, trusted, chain, partial)
      expect(openssl, 'openssl verdict (the test PKI is wrong if this fails)').toBe(expected)
      const llmsec = await llmsecAccepts(leaf, trusted, chain, partial)
      expect(llmsec.verified, llmsec.reasons.join('; ')).toBe(expected)
    })

    it('the CLI: an intermediate alone fails, --allow-partial-chain passes', async () => {
      const signature = await bundleFor('leaf', [])
      const args = ['verify', model, '--signature', signature, '--cert-chain', pki.path('int')]
      const strict = await runCliJson<{mismatches: {reason: string; detail: string}[]}>(args)
      expect(strict.exitCode).toBe(1)
      expect(strict.json.mismatches[0]).toMatchObject({
        reason: 'untrusted-signer',
        detail: expect.stringMatching(/--allow-partial-chain/),
      })
      const partial = await runCliJson(args.concat('--allow-partial-chain'))
      expect(partial.exitCode, partial.stdout).toBe(0)
    })

    it('names the reason: path length, name constraints, critical extension, weak signature, weak key, expiry', async () => {
      const reasons = async (leaf: string, chain: string[]) =>
        (await llmsecAccepts(leaf, ['root'], chain)).reasons.join('; ')
      expect(await reasons('leaf-deep', ['int-below-pathlen0', 'int-pathlen0'])).toMatch(
        /allows 0 CA certificate\(s\) below it/,
      )
      expect(await reasons('leaf-outside', ['int-constrained'])).toMatch(/name constraint/)
      expect(await reasons('leaf-critical', ['int'])).toMatch(/unknown critical extension 1\.3\.6\.1\.4\.1\.99999\.1/)
      expect(await reasons('leaf-sha1', ['int-rsa'])).toMatch(/signed with algorithm 1\.2\.840\.113549\.1\.1\.5/)
      expect(await reasons('leaf-rsa1024', ['int'])).toMatch(/RSA key of 1024 bits/)
      expect(await reasons('leaf-expired', ['int'])).toMatch(
        /certificate-expired: CN=leaf-expired expired on 2020-02-01/,
      )
    })
  },
)
