import {readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {decryptRange} from '../../../src/crypto/index.js'
import {repoRoot} from '../../helpers/cli.js'
import {makeTempDir} from '../../helpers/crypto-keys.js'
import {VECTOR_INPUTS, buildVector} from '../../helpers/crypto-vector.js'

async function documentedFileHex(): Promise<string> {
  const doc = await readFile(join(repoRoot, 'docs', 'encrypted-format.md'), 'utf8')
  const section = doc.slice(doc.indexOf('The whole file'))
  const block = /```\n([0-9a-f\n]+)```/.exec(section)
  if (!block) throw new Error('no test vector block in docs/encrypted-format.md')
  return block[1].replace(/\n/g, '')
}

describe('the documented test vector', () => {
  it('is what the implementation produces from the documented inputs', async () => {
    const vector = buildVector()
    expect(vector.file.toString('hex')).toBe(await documentedFileHex())
    const doc = await readFile(join(repoRoot, 'docs', 'encrypted-format.md'), 'utf8')
    for (const value of [vector.kek, vector.wrapped, vector.payloadKey, vector.macKey]) {
      expect(doc).toContain(value.toString('hex'))
    }
  })

  it('decrypts with the documented key file key', async () => {
    const dir = await makeTempDir('vector')
    try {
      await writeFile(join(dir, 'v.llmsec'), Buffer.from(await documentedFileHex(), 'hex'))
      const identities = [{kind: 'key-file' as const, key: VECTOR_INPUTS.keyFileKey, source: 'k'}]
      const plain = await decryptRange(join(dir, 'v.llmsec'), 0, 100, identities)
      expect(plain.equals(VECTOR_INPUTS.plaintext)).toBe(true)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
