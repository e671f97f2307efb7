import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Serialization} from '../../../src/artifacts/artifacts.types.js'
import {enumerateModel} from '../../../src/artifacts/enumerate.js'
import {generateKeyFiles, hashModel, verifyModel} from '../../../src/artifacts/index.js'
import {flipByte, makeModelDir, makeTempDir} from '../../helpers/model-dir.js'
import {writeCraftedBundle} from '../../helpers/oms-bundle.js'

// llmsec writes the "files" serialization; other OMS signers may write "shards" or use
// blake2b. This builds such a bundle with llmsec's primitives and checks that verify handles it.
let work: {dir: string; cleanup: () => Promise<void>}
const at = (...parts: string[]) => join(work.dir, ...parts)

async function signShards(model: string, serialization: Serialization): Promise<void> {
  const {files} = await enumerateModel(model, {allowSymlinks: false, isIgnored: (name) => name.startsWith('.git')})
  const {resources} = await hashModel(files, serialization)
  await writeCraftedBundle(join(model, 'model.sig'), at('keys', 'private.pem'), {resources, serialization})
}

beforeAll(async () => {
  work = await makeTempDir('llmsec-shards-')
  await generateKeyFiles(at('keys'), {algorithm: 'ecdsa-p256'})
})
afterAll(async () => work?.cleanup())

describe('verifying bundles with shards serialization and blake2b', () => {
  it.each([
    [
      'shards of 10000 bytes, sha256',
      {method: 'shards', hash_type: 'sha256', allow_symlinks: false, shard_size: 10_000},
    ],
    ['whole files, blake2b', {method: 'files', hash_type: 'blake2b', allow_symlinks: false}],
  ] as [string, Serialization][])('%s: verifies, then names the changed file', async (name, serialization) => {
    const model = await makeModelDir(at(name.replace(/\W+/g, '-')))
    await signShards(model, serialization)
    const ok = await verifyModel(model, {key: at('keys', 'public.pem')})
    expect(ok.mismatches).toEqual([])
    expect(ok).toMatchObject({verified: true, hashType: serialization.hash_type})
    await flipByte(join(model, 'weights.bin'), 30_000)
    const bad = await verifyModel(model, {key: at('keys', 'public.pem')})
    expect(bad.mismatches).toEqual([expect.objectContaining({path: 'weights.bin', reason: 'modified'})])
  })
})
