import {type KeyObject, constants, createHash, createPublicKey, sign, verify} from 'node:crypto'

import {coreError} from '../core/errors.js'
import {type SignatureLayout, SignatureAlg} from './header-meta.js'

/**
 * Sender signatures of format version 2: a signature over the header MAC (which commits to the
 * whole header and the file key), the chunk count and a digest of every sealed chunk, so neither
 * an outsider nor another recipient (who knows the file key) can change a signed file unseen.
 */
export interface SigningKey {
  key: KeyObject
  layout: SignatureLayout
  source: string
}

/** A public key that may have signed a file: from --verify-key or --verify-cert. */
export interface VerifyKey {
  key: KeyObject
  fingerprint: Buffer
  source: string
}

const CONTEXT = Buffer.from('llmsec/v2 signature\0', 'utf8')
const MIN_RSA_BITS = 2048

/** SHA-256 of a public key's SubjectPublicKeyInfo DER: how a header names its signer. */
export function keyFingerprint(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  return createHash('sha256')
    .update(publicKey.export({type: 'spki', format: 'der'}))
    .digest()
}

/** The algorithm and signature length a key signs with; refuses keys llmsec does not sign with. */
function algorithmOf(key: KeyObject, source: string): {alg: SignatureAlg; length: number} {
  const details = key.asymmetricKeyDetails ?? {}
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1')
    return {alg: SignatureAlg.EcdsaP256, length: 64}
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'secp384r1')
    return {alg: SignatureAlg.EcdsaP384, length: 96}
  if (key.asymmetricKeyType === 'ed25519') return {alg: SignatureAlg.Ed25519, length: 64}
  if (
    key.asymmetricKeyType === 'rsa' &&
    (details.modulusLength ?? 0) >= MIN_RSA_BITS &&
    (details.modulusLength ?? 0) <= 8192
  ) {
    return {alg: SignatureAlg.RsaPss, length: Math.ceil(details.modulusLength! / 8)}
  }
  throw coreError(
    'KEY_UNSUPPORTED',
    `${source}: sender signatures use EC P-256 or P-384, Ed25519 or RSA (2048 to 8192 bits) keys.`,
  )
}

export function signingKeyFrom(key: KeyObject, source: string): SigningKey {
  const {alg, length} = algorithmOf(key, source)
  return {key, source, layout: {alg, length, signer: keyFingerprint(key)}}
}

function parameters(alg: SignatureAlg): {hash: string | null; options: object} {
  switch (alg) {
    case SignatureAlg.EcdsaP256:
      return {hash: 'sha256', options: {dsaEncoding: 'ieee-p1363'}}
    case SignatureAlg.EcdsaP384:
      return {hash: 'sha384', options: {dsaEncoding: 'ieee-p1363'}}
    case SignatureAlg.Ed25519:
      return {hash: null, options: {}}
    case SignatureAlg.RsaPss:
      return {hash: 'sha256', options: {padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32}}
  }
}

/** The signed bytes: context string, header MAC, chunk count (8 bytes), SHA-256 of the segment digests. */
export function signedMessage(headerMac: Buffer, chunkCount: number, segmentDigests: Buffer): Buffer {
  const count = Buffer.alloc(8)
  count.writeBigUInt64BE(BigInt(chunkCount))
  const content = createHash('sha256').update(segmentDigests).digest()
  return Buffer.concat([CONTEXT, headerMac, count, content])
}

export function signMessage(signer: SigningKey, message: Buffer): Buffer {
  const {hash, options} = parameters(signer.layout.alg)
  const signature = sign(hash, message, {key: signer.key, ...options})
  if (signature.length !== signer.layout.length) throw new Error('signature length differs from the recorded one')
  return signature
}

/** Whether `signature` is `key`'s signature of `message` under the recorded algorithm. */
export function verifyMessage(key: VerifyKey, alg: SignatureAlg, message: Buffer, signature: Buffer): boolean {
  let expected: SignatureAlg
  try {
    expected = algorithmOf(key.key, key.source).alg
  } catch {
    return false
  }
  if (expected !== alg) return false
  const {hash, options} = parameters(alg)
  try {
    return verify(hash, message, {key: key.key, ...options}, signature)
  } catch {
    return false
  }
}
