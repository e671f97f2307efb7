import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {parseBundle, parseStatement} from '../../../src/artifacts/bundle-parse.js'
import {LlmsecError} from '../../../src/core/errors.js'

const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{name: 'model', digest: {sha256: 'ab'.repeat(32)}}],
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
  ])('rejects %j naming the field', (overrides, message) => {
    expect(() => parseBundle(bundleWith(overrides as never), 'x.sig')).toThrow(message)
  })

  it('does not read the payload: a statement that is not even JSON parses as a bundle', () => {
    const text = JSON.parse(bundleWith())
    text.dsseEnvelope.payload = Buffer.from('{"shard_size": 1, not json').toString('base64')
    expect(parseBundle(JSON.stringify(text), 'x.sig').payload.toString()).toMatch(/not json/)
  })
})

const withPredicate = (predicate: Record<string, unknown>) => ({
  ...statement,
  predicate: {...statement.predicate, ...predicate},
})
const withSerialization = (serialization: Record<string, unknown>) =>
  withPredicate({serialization: {...statement.predicate.serialization, ...serialization}})
const resource = (name: string) => ({name, digest: 'ab', algorithm: 'sha256'})

describe('parseStatement (after the signature verified)', () => {
  const parse = (value: unknown) => parseStatement(Buffer.from(JSON.stringify(value)), 'x.sig')

  it('accepts the reference single-file name "." and shard names', () => {
    expect(parse(withPredicate({resources: [resource('.')]})).predicate.resources[0].name).toBe('.')
    const shards = withPredicate({
      resources: [resource('.:0:10'), resource('a/b:10:20')],
      serialization: {method: 'shards', hash_type: 'sha256', allow_symlinks: false, shard_size: 10},
    })
    expect(parse(shards).predicate.resources).toHaveLength(2)
  })

  it.each([
    [{...statement, predicateType: 'https://model_signing/Digests/v0.1'}, /not supported/],
    [{...statement, subject: [...statement.subject, ...statement.subject]}, /payload\.subject has more than 1 items/],
    [{...statement, subject: []}, /payload\.subject must have at least 1/],
    [{...statement, subject: [{name: 'm', digest: {sha256: 'zz'}}]}, /subject\[0\]\.digest\.sha256 is not a SHA-256/],
    [withPredicate({resources: [resource('../etc/passwd')]}), /not a canonical relative path/],
    [withPredicate({resources: [resource('a/./b')]}), /not a canonical relative path/],
    [withPredicate({resources: [resource('x'.repeat(5000))]}), /longer than 4096 bytes/],
    [withPredicate({resources: [{name: 'a', digest: 'abc', algorithm: 'sha256'}]}), /digest is not hex/],
    [withPredicate({resources: []}), /resources must have at least 1/],
    [withSerialization({method: 'shards'}), /shard_size/],
    [withSerialization({method: 'shards', shard_size: 0}), /shard_size/],
    [withSerialization({method: 'shards', shard_size: 1.5}), /shard_size/],
    [
      withPredicate({
        resources: [resource('a:10:5')],
        serialization: {method: 'shards', hash_type: 'sha256', allow_symlinks: false, shard_size: 5},
      }),
      /is not "path:start:end"/,
    ],
    [withSerialization({allow_symlinks: undefined}), /lacks field payload\.predicate\.serialization\.allow_symlinks/],
  ])('rejects %j naming the field', (value, message) => {
    expect(() => parse(value)).toThrow(message)
  })

  it('throws only LlmsecError with exit 2 on arbitrary statements (fuzz)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('subject', 'predicate', 'predicateType', '_type'), (value, key) => {
        try {
          parse({...statement, [key]: value})
        } catch (error) {
          expect(error).toBeInstanceOf(LlmsecError)
          expect((error as LlmsecError).exit).toBe(2)
        }
      }),
      {numRuns: 500},
    )
  })
})

describe('parseBundle (fuzz)', () => {
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
