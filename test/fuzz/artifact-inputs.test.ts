import {randomBytes} from 'node:crypto'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, beforeAll, describe, it} from 'vitest'

import {parseBundle} from '../../src/artifacts/bundle-parse.js'
import {decodeHeader, encryptFile} from '../../src/crypto/index.js'
import {parseNvidiaSmiXml} from '../../src/hardware/nvidia.js'
import {repoRoot, sharedDir} from '../helpers/cli.js'
import {makeTempDir} from '../helpers/crypto-keys.js'
import {expectBoundedMemory, expectNoBug, FUZZ_TIMEOUT_MS, mutatedJson, mutatedText, RUNS} from './mutate.js'

/** Every file of a folder whose name ends with `suffix` (none when the folder is absent). */
function filesIn(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .filter((f) => f.endsWith(suffix))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
}

const XML_TOKENS = [
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
  '<!ENTITY a "&a;&a;">',
  '&e;',
  '<gpu id="__proto__">',
  '<constructor>',
  '</gpu>',
  '<![CDATA[',
  '<fb_memory_usage><total>99999999999999999999 MiB</total></fb_memory_usage>',
  '<attached_gpus>-1</attached_gpus>',
  '\u0000',
]

const BUNDLE_TOKENS = [
  '"__proto__"',
  '{"constructor": {}}',
  '"payload": "!!!"',
  '[[[[[[',
  '"signatures": []',
  ',',
  '\\u0000',
]

/** A bundle in the reference's shape, so the suite has seeds when ../shared is absent. */
function ownBundle(): string {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{name: 'model', digest: {sha256: 'ab'.repeat(32)}}],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: {
      resources: [{name: 'weights.bin', digest: 'cd'.repeat(32), algorithm: 'sha256'}],
      serialization: {method: 'files', hash_type: 'sha256', allow_symlinks: false},
    },
  }
  return JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {publicKey: {hint: 'abc'}},
    dsseEnvelope: {
      payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{sig: 'MEUCIQ==', keyid: ''}],
    },
  })
}

describe('fuzz: GPU inventory, signature bundles and encrypted headers never crash their parsers', () => {
  let dir: string
  const headers: string[] = []

  beforeAll(async () => {
    dir = await makeTempDir('fuzz-headers')
    await writeFile(join(dir, 'p'), randomBytes(300))
    const layouts = [
      {recipients: [{kind: 'key-file' as const, key: randomBytes(32), source: 'k'}], chunkLog2: 6},
      {
        recipients: [
          {kind: 'key-file' as const, key: randomBytes(32), source: 'k'},
          {kind: 'passphrase' as const, passphrase: 'pw', scrypt: {logN: 10, r: 1, p: 1}},
        ],
        chunkLog2: 6,
        name: 'models/llama/weights.bin',
      },
    ]
    for (const [i, options] of layouts.entries()) {
      await encryptFile(join(dir, 'p'), join(dir, `p${i}.llmsec`), options)
      // Bytes as latin1 text, so the text mutations edit bytes one for one.
      headers.push((await readFile(join(dir, `p${i}.llmsec`))).subarray(0, 4096).toString('latin1'))
    }
  })

  afterAll(async () => {
    expectBoundedMemory()
    await rm(dir, {recursive: true, force: true})
  })

  it(
    `nvidia-smi XML: ${RUNS} mutations of the fixtures and the real samples`,
    () => {
      const seeds = [
        ...filesIn(join(repoRoot, 'fixtures', 'nvidia-smi'), '.xml'),
        ...filesIn(join(sharedDir, 'samples', 'nvidia-smi'), '.xml'),
      ]
      fc.assert(
        fc.property(mutatedText(seeds, XML_TOKENS), (xml) => expectNoBug(() => parseNvidiaSmiXml(xml))),
        {numRuns: RUNS},
      )
    },
    FUZZ_TIMEOUT_MS,
  )

  it(
    `OMS bundles: ${RUNS} structural and ${RUNS} byte-level mutations of the spec's vectors and the reference's signatures`,
    () => {
      const seeds = [
        ownBundle(),
        ...filesIn(join(sharedDir, 'interop', 'oms', 'spec', 'test-vectors'), '.json'),
        ...filesIn(join(sharedDir, 'interop', 'oms', 'model-transparency'), '.sig'),
      ].filter((text) => {
        try {
          JSON.parse(text)
          return true
        } catch {
          return false
        }
      })
      fc.assert(
        fc.property(mutatedJson(seeds), (text) => expectNoBug(() => parseBundle(text, 'fuzz.sig'))),
        {numRuns: RUNS},
      )
      fc.assert(
        fc.property(mutatedText(seeds, BUNDLE_TOKENS), (text) => expectNoBug(() => parseBundle(text, 'fuzz.sig'))),
        {numRuns: RUNS},
      )
    },
    FUZZ_TIMEOUT_MS,
  )

  it(
    `encrypted headers: ${RUNS} mutations of headers llmsec wrote (one recipient; two, with a name)`,
    () => {
      const tokens = ['\u00ff\u00ff\u00ff\u00ff', '\u0000\u0000\u0000\u0000', '\u007f', 'LLMSEC', '\u0001\u0000']
      fc.assert(
        fc.property(mutatedText(headers, tokens), (text) =>
          expectNoBug(() => decodeHeader(Buffer.from(text, 'latin1'))),
        ),
        {numRuns: RUNS},
      )
    },
    FUZZ_TIMEOUT_MS,
  )
})
