import {readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {generateKeyFiles} from '../../src/artifacts/index.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {assertValid, loadDocSchema} from '../helpers/schema.js'
import {CLI_TEST_TIMEOUT_MS, makeTempDir} from '../helpers/model-dir.js'

let work: {dir: string; cleanup: () => Promise<void>}
const at = (...parts: string[]) => join(work.dir, ...parts)

beforeAll(async () => {
  work = await makeTempDir('llmsec-keys-')
})
afterAll(async () => work?.cleanup())

describe('llmsec keys generate', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  it('writes a 0600 PKCS#8 key and a public key, and refuses to overwrite without --force', async () => {
    const run = await runCliJson(['keys', 'generate', '--output', at('k'), '--algorithm', 'ecdsa-p384'])
    expect(run.exitCode, run.stderr).toBe(0)
    assertValid(loadDocSchema('keys'), run.json)
    expect((await stat(at('k', 'private.pem'))).mode & 0o777).toBe(0o600)
    expect(await readFile(at('k', 'private.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    const again = await runCli(['keys', 'generate', '--output', at('k')])
    expect(again.exitCode).toBe(2)
    expect(again.stderr).toMatch(/private\.pem already exists; pass --force/)
    expect((await runCli(['keys', 'generate', '--output', at('k'), '--force'])).exitCode).toBe(0)
  })

  it('encrypts with LLMSEC_PASSPHRASE, and never prompts without a terminal', async () => {
    const env = {LLMSEC_PASSPHRASE: 'correct horse'}
    const run = await runCli(['keys', 'generate', '--output', at('enc'), '--passphrase'], {env})
    expect(run.exitCode, run.stderr).toBe(0)
    expect(await readFile(at('enc', 'private.pem'), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
    const noEnv = await runCli(['keys', 'generate', '--output', at('enc2'), '--passphrase'])
    expect(noEnv.exitCode).toBe(2)
    expect(noEnv.stderr).toMatch(/set LLMSEC_PASSPHRASE/)
  })

  it('signs with an encrypted key only when given its passphrase', async () => {
    const env = {LLMSEC_PASSPHRASE: 'correct horse'}
    await generateKeyFiles(at('enc-sign'), {algorithm: 'ecdsa-p256', passphrase: env.LLMSEC_PASSPHRASE})
    await writeFile(at('file.bin'), 'weights')
    const sign = ['sign', at('file.bin'), '--key', at('enc-sign', 'private.pem')]
    const locked = await runCli(sign)
    expect(locked.exitCode).toBe(2)
    expect(locked.stderr).toMatch(/passphrase is needed/)
    expect((await runCli(sign, {env: {LLMSEC_PASSPHRASE: 'wrong'}})).stderr).toMatch(/wrong passphrase/)
    const signed = await runCliJson(sign, {env})
    expect(signed.exitCode, signed.stderr).toBe(0)
    assertValid(loadDocSchema('sign'), signed.json)
    expect(signed.json).toMatchObject({signatureFile: `${at('file.bin')}.sig`, files: 1})
    expect((await runCli(['verify', at('file.bin'), '--key', at('enc-sign', 'public.pem')])).exitCode).toBe(0)
  })
})

describe('llmsec keys ca / keys cert', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  it('issues a CA and a code-signing certificate, and rejects a bad subject', async () => {
    const ca = await runCliJson(['keys', 'ca', '--output', at('pki'), '--subject', 'CN=Test CA, O=llmsec'])
    expect(ca.exitCode, ca.stderr).toBe(0)
    assertValid(loadDocSchema('keys'), ca.json)
    const base = ['keys', 'cert', '--ca-cert', at('pki', 'ca-cert.pem'), '--ca-key', at('pki', 'ca-private.pem')]
    const cert = await runCliJson([...base, '--subject', 'CN=bot', '--output', at('bot'), '--valid-days', '7'])
    expect(cert.exitCode, cert.stderr).toBe(0)
    assertValid(loadDocSchema('keys'), cert.json)
    const {X509Certificate} = await import('node:crypto')
    const leaf = new X509Certificate(await readFile(at('bot', 'cert.pem')))
    expect(leaf.subject).toBe('CN=bot')
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.3'])
    expect(leaf.ca).toBe(false)
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000
    expect(days).toBeCloseTo(7, 0)
    const bad = await runCli([...base, '--subject', 'not a dn', '--output', at('bad')])
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toMatch(/is not a distinguished name/)
  })
})
