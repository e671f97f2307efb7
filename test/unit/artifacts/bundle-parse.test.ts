import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {parseBundle} from '../../../src/artifacts/bundle-parse.js'
import {LlmsecError} from '../../../src/core/errors.js'

const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{name: 'model', digest: {sha256: 'ab'}}],
  predicateType: 'https://model_signing/signature/v1.0',
  predicate: {
    resources: [{name: 'a/b.bin', digest: 'ab', algorithm: 'sha256'}],
    serialization: {method: 'files', hash_type: 'sha256', allow_symlinks: false},
  },
}

function bundleWith(overrides: {statement?: unknown; material?: unknown; keyid?: unknown} = {}): string {
  const payload = Buffer.from(JSON.stringify(overrides.statement ?? statement)).toString('base64')
  const sig: Record<string, unknown> = {sig: 'MEUCIQ=='}
  if ('keyid' in overrides) sig.keyid = overrides.keyid
  return JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: overrides.material ?? {publicKey: {hint: 'abc'}},
    dsseEnvelope: {payload, payloadType: 'application/vnd.in-toto+json', signatures: [sig]},
  })
}

describe('parseBundle', () => {
  it('accepts the key, certificate and older forms (rawBytes, keyid null or absent)', () => {
    expect(parseBundle(bundleWith(), 'x.sig').method).toBe('key')
    expect(
      parseBundle(bundleWith({material: {publicKey: {rawBytes: 'AAAA', keyDetails: 'PKIX'}}, keyid: null}), 'x').method,
    ).toBe('key')
    const chain = {x509CertificateChain: {certificates: [{rawBytes: 'AAAA'}]}, tlogEntries: []}
    expect(parseBundle(bundleWith({material: chain, keyid: ''}), 'x').method).toBe('certificate')
  })

  it.each([
    [{material: {}}, /lacks field verificationMaterial\.publicKey, .*x509CertificateChain/],
    [{material: {x509CertificateChain: {certificates: []}}}, /certificates must have at least 1/],
    [{keyid: 5}, /keyid must be a string or null/],
    [{statement: {...statement, predicateType: 'https://model_signing/Digests/v0.1'}}, /not supported/],
    [
      {
        statement: {
          ...statement,
          predicate: {...statement.predicate, resources: [{name: '../etc/passwd', digest: 'ab', algorithm: 'sha256'}]},
        },
      },
      /not a canonical relative path/,
    ],
    [
      {statement: {...statement, predicate: {resources: [], serialization: statement.predicate.serialization}}},
      /resources must have at least 1/,
    ],
    [
      {
        statement: {
          ...statement,
          predicate: {
            ...statement.predicate,
            serialization: {method: 'shards', hash_type: 'sha256', allow_symlinks: false},
          },
        },
      },
      /shard_size/,
    ],
    [
      {
        statement: {
          ...statement,
          predicate: {...statement.predicate, serialization: {method: 'files', hash_type: 'sha256'}},
        },
      },
      /lacks field payload\.predicate\.serialization\.allow_symlinks/,
    ],
  ])('rejects %j naming the field', (overrides, message) => {
    expect(() => parseBundle(bundleWith(overrides as never), 'x.sig')).toThrow(message)
  })

  it('throws only LlmsecError on arbitrary input (fuzz)', () => {
    const anyJson = fc.oneof(
      fc.string(),
      fc.json().map(String),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    )
    fc.assert(
      fc.property(anyJson, (text) => {
        try {
          parseBundle(text, 'fuzz.sig')
        } catch (error) {
          expect(error).toBeInstanceOf(LlmsecError)
          expect((error as LlmsecError).exit).toBe(2)
        }
      }),
      {numRuns: 500},
    )
  })

  it('throws only LlmsecError when fields of a valid bundle are mutated (fuzz)', () => {
    const base = JSON.parse(bundleWith()) as Record<string, Record<string, unknown>>
    const keys = ['mediaType', 'verificationMaterial', 'dsseEnvelope'] as const
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        const copy = structuredClone(base) as Record<string, unknown>
        copy[key] = value
        try {
          parseBundle(JSON.stringify(copy), 'fuzz.sig')
        } catch (error) {
          expect(error).toBeInstanceOf(LlmsecError)
        }
      }),
      {numRuns: 300},
    )
  })
})
