import {execFileSync} from 'node:child_process'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Serialization} from '../../../src/artifacts/artifacts.types.js'
import {enumerateModel} from '../../../src/artifacts/enumerate.js'
import {generateKeyFiles, hashModel, signModel, verifyModel} from '../../../src/artifacts/index.js'
import {LlmsecError} from '../../../src/core/errors.js'
import {runCli, runCliJson} from '../../helpers/cli.js'
import {CLI_TEST_TIMEOUT_MS, flipByte, makeModelDir, makeSparseFile, makeTempDir} from '../../helpers/model-dir.js'
import {writeCraftedBundle} from '../../helpers/oms-bundle.js'

let work: {dir: string; cleanup: () => Promise<void>}
const at = (...parts: string[]) => join(work.dir, ...parts)
const trusted = () => ({key: at('keys', 'public.pem')})
const files: Serialization = {method: 'files', hash_type: 'sha256', allow_symlinks: false}

beforeAll(async () => {
  work = await makeTempDir('llmsec-verify-order-')
  await generateKeyFiles(at('keys'), {algorithm: 'ecdsa-p256'})
  await generateKeyFiles(at('attacker'), {algorithm: 'ecdsa-p256'})
})
afterAll(async () => work?.cleanup())

/** The resources of a model as llmsec hashes them, for crafting statements. */
async function resourcesOf(model: string, serialization: Serialization) {
  const {files: found} = await enumerateModel(model, {allowSymlinks: false, isIgnored: (n) => n.startsWith('.git')})
  return (await hashModel(found, serialization)).resources
}

describe('the signature is verified before anything in the statement is used', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  it('shard_size 1 on a 30 MB file, signed by another key: fails at once, hashing nothing', async () => {
    const model = at('shard-attack')
    await makeModelDir(model)
    await makeSparseFile(join(model, 'weights.bin'), 30 * 1024 * 1024)
    const serialization: Serialization = {...files, method: 'shards', shard_size: 1}
    const resources = [{name: 'weights.bin:0:1', digest: '00'.repeat(32), algorithm: 'sha256'}]
    await writeCraftedBundle(join(model, 'model.sig'), at('attacker', 'private.pem'), {resources, serialization})
    const result = await verifyModel(model, trusted())
    expect(result).toMatchObject({verified: false, signatureVerified: false, files: 0, bytes: 0, hashType: null})
    expect(result.mismatches).toEqual([expect.objectContaining({reason: 'bad-signature'})])
    expect(result.durationMs).toBeLessThan(2000)
    const run = await runCliJson<{verified: boolean}>(['verify', model, '--key', at('keys', 'public.pem')])
    expect(run.exitCode).toBe(1)
  })

  it('a trusted signer with small shards: a file whose size no longer fits is modified, unhashed', async () => {
    const model = await makeModelDir(at('resized'))
    const serialization: Serialization = {...files, method: 'shards', shard_size: 1000}
    const resources = await resourcesOf(model, serialization)
    await writeCraftedBundle(join(model, 'model.sig'), at('keys', 'private.pem'), {resources, serialization})
    expect((await verifyModel(model, trusted())).verified).toBe(true)
    await makeSparseFile(join(model, 'weights.bin'), 30 * 1024 * 1024)
    const result = await verifyModel(model, trusted())
    expect(result.mismatches).toEqual([
      expect.objectContaining({
        path: 'weights.bin',
        reason: 'modified',
        detail: expect.stringMatching(/66 signed shards/),
      }),
    ])
    expect(result.bytes).toBeLessThan(1024 * 1024)
  })

  it('a statement with two subjects is refused (exit 2), as the reference refuses it', async () => {
    const model = await makeModelDir(at('two-subjects'))
    const resources = await resourcesOf(model, files)
    const {subject} = {subject: {name: 'model', digest: {sha256: '11'.repeat(32)}}}
    await writeCraftedBundle(join(model, 'model.sig'), at('keys', 'private.pem'), {
      resources,
      serialization: files,
      subjects: [subject, subject],
    })
    const error = await verifyModel(model, trusted()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LlmsecError)
    expect((error as LlmsecError).message).toMatch(/payload\.subject has more than 1 items/)
    expect((error as LlmsecError).exit).toBe(2)
  })

  it('a signed statement whose root digest does not match its resources fails before hashing', async () => {
    const model = await makeModelDir(at('root-digest'))
    const resources = await resourcesOf(model, files)
    const subjects = [{name: 'root-digest', digest: {sha256: '22'.repeat(32)}}]
    await writeCraftedBundle(join(model, 'model.sig'), at('keys', 'private.pem'), {
      resources,
      serialization: files,
      subjects,
    })
    const result = await verifyModel(model, trusted())
    expect(result).toMatchObject({verified: false, signatureVerified: true, bytes: 0})
    expect(result.mismatches).toEqual([expect.objectContaining({reason: 'manifest-inconsistent'})])
  })
})

describe('identity policies', () => {
  it('--identity with a key-method bundle is a usage error, not a silent pass', async () => {
    const model = await makeModelDir(at('key-identity'))
    await signModel(model, {key: at('keys', 'private.pem')})
    const error = await verifyModel(model, {...trusted(), identity: 'release@example.com'}).catch((e: unknown) => e)
    expect((error as LlmsecError).message).toMatch(/names no identity/)
    expect((error as LlmsecError).exit).toBe(2)
  })
})

describe('single files use the reference resource name', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  it('llmsec signs a file as "." with the file name as subject, and verifies it', async () => {
    const model = await makeModelDir(at('single'))
    const file = join(model, 'weights.bin')
    await signModel(file, {key: at('keys', 'private.pem')})
    const bundle = JSON.parse(await readFile(`${file}.sig`, 'utf8'))
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString())
    expect(statement.subject).toEqual([{name: 'weights.bin', digest: {sha256: expect.any(String)}}])
    expect(statement.predicate.resources.map((r: {name: string}) => r.name)).toEqual(['.'])
    expect((await verifyModel(file, trusted())).verified).toBe(true)
    await flipByte(file, 7)
    expect((await verifyModel(file, trusted())).mismatches).toEqual([
      expect.objectContaining({path: '.', reason: 'modified'}),
    ])
  })

  it('a bundle naming the file by its own name (older llmsec) still verifies, and still catches a change', async () => {
    const model = await makeModelDir(at('legacy-single'))
    const file = join(model, 'config.json')
    const [resource] = await resourcesOf(file, files)
    await writeCraftedBundle(`${file}.sig`, at('keys', 'private.pem'), {
      resources: [{...resource, name: 'config.json'}],
      serialization: files,
    })
    expect((await verifyModel(file, trusted())).verified).toBe(true)
    await writeFile(file, '{}')
    expect((await verifyModel(file, trusted())).verified).toBe(false)
  })
})

describe('git paths, special files and the lists of what was left out', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  it('by default .git* is left out and listed; --no-ignore-git-paths signs it and must be used to verify', async () => {
    const model = await makeModelDir(at('git'))
    const plain = await signModel(model, {key: at('keys', 'private.pem')})
    expect(plain.ignoredFiles).toEqual(['.git', '.gitignore'])
    expect((await verifyModel(model, trusted())).ignoredFiles).toEqual(['.git', '.gitignore', 'model.sig'])
    const withGit = await signModel(model, {key: at('keys', 'private.pem'), ignoreGitPaths: false})
    expect(withGit.files).toBe(plain.files + 2)
    const byDefault = await verifyModel(model, trusted())
    expect(byDefault.mismatches).toEqual([
      expect.objectContaining({
        path: '.git/HEAD',
        reason: 'missing',
        detail: expect.stringMatching(/--no-ignore-git-paths/),
      }),
      expect.objectContaining({path: '.gitignore', reason: 'missing'}),
    ])
    const run = await runCli(['verify', model, '--key', at('keys', 'public.pem'), '--no-ignore-git-paths'])
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    await writeFile(join(model, '.gitignore'), 'changed\n')
    const changed = await verifyModel(model, {...trusted(), ignoreGitPaths: false})
    expect(changed.mismatches).toEqual([expect.objectContaining({path: '.gitignore', reason: 'modified'})])
  })

  it('a FIFO is an error when signing and verifying (exit 2), and listed with --ignore-unsigned-files', async () => {
    const model = await makeModelDir(at('fifo'))
    await signModel(model, {key: at('keys', 'private.pem')})
    execFileSync('mkfifo', [join(model, 'pipe')])
    const sign = await runCli(['sign', model, '--key', at('keys', 'private.pem')])
    expect(sign.exitCode).toBe(2)
    expect(sign.stderr).toMatch(/pipe is not a regular file or directory/)
    const verify = await runCli(['verify', model, '--key', at('keys', 'public.pem')])
    expect(verify.exitCode).toBe(2)
    const lenient = await verifyModel(model, {...trusted(), ignoreUnsignedFiles: true})
    expect(lenient).toMatchObject({verified: true, unsignedFiles: ['pipe']})
    const ignored = await verifyModel(model, {...trusted(), ignorePaths: ['pipe']})
    expect(ignored).toMatchObject({verified: true, ignoredFiles: ['.git', '.gitignore', 'model.sig', 'pipe']})
  })
})
