import {
  type KeyObject,
  X509Certificate,
  createPrivateKey,
  createPublicKey,
  createHash,
  diffieHellman,
  generateKeyPairSync,
  privateDecrypt,
  constants as cryptoConstants,
} from 'node:crypto'

import type forge from 'node-forge'

import {coreError} from '../core/errors.js'
import {type Stanza, StanzaType} from './format.js'
import {INFO, WRAPPED_LENGTH, hkdf32, unwrapFileKey, wrapFileKey} from './keys.js'

/** A public key that can open a file: parsed from a certificate or a public key PEM. */
export interface PublicKeyRecipient {
  kind: 'rsa' | 'ec'
  /** SubjectPublicKeyInfo DER; its SHA-256 is the recipient fingerprint in the stanza. */
  spki: Buffer
  key: KeyObject
  forgeKey?: forge.pki.rsa.PublicKey
  source: string
}

const FINGERPRINT_LENGTH = 32
const EC_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1'])
const MIN_RSA_BITS = 2048
const MAX_RSA_BYTES = 2048

/** SHA-256 of a SubjectPublicKeyInfo DER. */
function fingerprintOf(spki: Buffer): Buffer {
  return createHash('sha256').update(spki).digest()
}

type Forge = typeof forge

/** node-forge, loaded on first use: EC, passphrase and key-file runs never pay for it. */
async function loadForge(): Promise<Forge> {
  return (await import('node-forge')).default
}

/**
 * Parses a recipient PEM: an X.509 certificate, an RSA public key (node-forge parses both),
 * or an EC/X25519 public key or certificate (node:crypto, which forge cannot read).
 */
export async function parsePublicKeyPem(pem: string, source: string): Promise<PublicKeyRecipient> {
  const rsa = looksLikeRsa(pem) ? parseRsaWithForge(await loadForge(), pem) : undefined
  if (rsa) {
    const forge = await loadForge()
    if (rsa.n.bitLength() < MIN_RSA_BITS) {
      throw coreError('KEY_UNSUPPORTED', `${source}: RSA keys shorter than ${MIN_RSA_BITS} bits are refused.`)
    }
    const spki = Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(rsa)).getBytes(), 'binary')
    return {kind: 'rsa', spki, key: createPublicKey({key: spki, format: 'der', type: 'spki'}), forgeKey: rsa, source}
  }
  let key: KeyObject
  try {
    key = pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem)
  } catch {
    throw coreError('KEY_MALFORMED', `${source} is not a PEM certificate or public key.`)
  }
  assertEcKey(key, source)
  return {kind: 'ec', spki: key.export({type: 'spki', format: 'der'}), key, source}
}

/** Whether node:crypto sees an RSA key in the PEM (unparseable PEMs go to forge for its message). */
function looksLikeRsa(pem: string): boolean {
  try {
    const key = pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem)
    return key.asymmetricKeyType === 'rsa'
  } catch {
    return true
  }
}

function parseRsaWithForge(forge: Forge, pem: string): forge.pki.rsa.PublicKey | undefined {
  try {
    if (pem.includes('BEGIN CERTIFICATE')) return forge.pki.certificateFromPem(pem).publicKey as forge.pki.rsa.PublicKey
    if (pem.includes('PUBLIC KEY')) return forge.pki.publicKeyFromPem(pem)
  } catch {
    // Not RSA (forge reads RSA only): node:crypto tries next.
  }
  return undefined
}

function assertEcKey(key: KeyObject, source: string): void {
  const type = key.asymmetricKeyType
  if (type === 'x25519') return
  if (type === 'ec' && EC_CURVES.has(String(key.asymmetricKeyDetails?.namedCurve))) return
  throw coreError(
    'KEY_UNSUPPORTED',
    `${source}: unsupported key type ${type ?? 'unknown'}; use RSA (≥ 2048 bits), EC P-256/P-384/P-521 or X25519.`,
  )
}

/** Makes the stanza that wraps `fileKey` for a public key recipient. */
export async function createPublicKeyStanza(recipient: PublicKeyRecipient, fileKey: Buffer): Promise<Stanza> {
  const fingerprint = fingerprintOf(recipient.spki)
  if (recipient.kind === 'rsa' && recipient.forgeKey) {
    const forge = await loadForge()
    const sha256 = () => forge.md.sha256.create()
    const wrapped = recipient.forgeKey.encrypt(fileKey.toString('binary'), 'RSA-OAEP', {
      md: sha256(),
      mgf1: {md: sha256()},
    })
    return {type: StanzaType.RsaOaep, body: Buffer.concat([fingerprint, Buffer.from(wrapped, 'binary')])}
  }
  const ephemeral = generateEphemeral(recipient.key)
  const epk = ephemeral.publicKey.export({type: 'spki', format: 'der'})
  const shared = diffieHellman({privateKey: ephemeral.privateKey, publicKey: recipient.key})
  const kek = hkdf32(shared, Buffer.concat([epk, recipient.spki]), INFO.ecdh)
  const length = Buffer.alloc(2)
  length.writeUInt16BE(epk.length)
  return {type: StanzaType.Ecdh, body: Buffer.concat([fingerprint, length, epk, wrapFileKey(kek, fileKey)])}
}

function generateEphemeral(key: KeyObject) {
  if (key.asymmetricKeyType === 'x25519') return generateKeyPairSync('x25519')
  return generateKeyPairSync('ec', {namedCurve: String(key.asymmetricKeyDetails?.namedCurve)})
}

/** A private key that opens RSA or ECDH stanzas. */
export interface PrivateKeyIdentity {
  key: KeyObject
  fingerprint: Buffer
  spki: Buffer
  source: string
}

/** Parses a private key PEM (PKCS#1, PKCS#8 or SEC1; unencrypted). */
export function parsePrivateKeyPem(pem: string, source: string): PrivateKeyIdentity {
  if (/ENCRYPTED/.test(pem)) {
    throw coreError('KEY_UNSUPPORTED', `${source} is an encrypted private key; decrypt it first (openssl pkey).`)
  }
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch {
    throw coreError('KEY_MALFORMED', `${source} is not a PEM private key.`)
  }
  if (key.asymmetricKeyType !== 'rsa') assertEcKey(key, source)
  const spki = createPublicKey(key).export({type: 'spki', format: 'der'})
  return {key, spki, fingerprint: fingerprintOf(spki), source}
}

/** Tries to open an RSA or ECDH stanza with a private key; undefined when it is not for this key. */
export function openPublicKeyStanza(stanza: Stanza, identity: PrivateKeyIdentity): Buffer | undefined {
  const body = stanza.body
  if (body.length < FINGERPRINT_LENGTH || !body.subarray(0, FINGERPRINT_LENGTH).equals(identity.fingerprint)) {
    return undefined
  }
  const rest = body.subarray(FINGERPRINT_LENGTH)
  if (stanza.type === StanzaType.RsaOaep) {
    if (identity.key.asymmetricKeyType !== 'rsa' || rest.length > MAX_RSA_BYTES) return undefined
    try {
      const padding = cryptoConstants.RSA_PKCS1_OAEP_PADDING
      return privateDecrypt({key: identity.key, padding, oaepHash: 'sha256'}, rest)
    } catch {
      return undefined
    }
  }
  if (stanza.type !== StanzaType.Ecdh || rest.length < 2) return undefined
  const epkLength = rest.readUInt16BE(0)
  if (rest.length !== 2 + epkLength + WRAPPED_LENGTH) return undefined
  const epk = rest.subarray(2, 2 + epkLength)
  try {
    const publicKey = createPublicKey({key: epk, format: 'der', type: 'spki'})
    const shared = diffieHellman({privateKey: identity.key, publicKey})
    const kek = hkdf32(shared, Buffer.concat([epk, identity.spki]), INFO.ecdh)
    return unwrapFileKey(kek, rest.subarray(2 + epkLength))
  } catch {
    return undefined
  }
}
