import {X509Certificate, createPrivateKey, createPublicKey} from 'node:crypto'
import {readFile} from 'node:fs/promises'

import {coreError, fsError, LlmsecError} from '../core/errors.js'
import type {Identity, Recipient} from './crypto.types.js'
import {checkMaxWorkFactor, readKeyFile} from './secret-stanzas.js'
import {type SigningKey, type VerifyKey, keyFingerprint, signingKeyFrom} from './signature.js'

/** Bounded read of a PEM file: certificates and keys are a few KiB. */
async function readPem(path: string): Promise<string> {
  let text: Buffer
  try {
    text = await readFile(path)
  } catch (error) {
    throw fsError(error, path)
  }
  if (text.length > 1024 * 1024) throw coreError('KEY_MALFORMED', `${path} is larger than 1 MiB, not a PEM key.`)
  return text.toString('utf8')
}

export interface KeySources {
  /** PEM files: certificates or public keys (encrypt), private keys (decrypt). */
  pemFiles?: string[]
  keyFiles?: string[]
  passphrase?: string
  /** Largest scrypt work factor a file may ask of the passphrase (decrypt --max-work-factor). */
  maxWorkFactor?: number
}

/** Reads recipient files into recipients (PEMs are parsed later, once per run). */
export async function loadRecipients(sources: KeySources): Promise<Recipient[]> {
  const recipients: Recipient[] = []
  for (const source of sources.pemFiles ?? []) recipients.push({kind: 'public-key', pem: await readPem(source), source})
  for (const source of sources.keyFiles ?? [])
    recipients.push({kind: 'key-file', key: await readKeyFile(source), source})
  if (sources.passphrase !== undefined) recipients.push({kind: 'passphrase', passphrase: sources.passphrase})
  return recipients
}

/** Reads identity files (private keys, key files) and the passphrase into identities. */
export async function loadIdentities(sources: KeySources): Promise<Identity[]> {
  const identities: Identity[] = []
  for (const source of sources.pemFiles ?? [])
    identities.push({kind: 'private-key', pem: await readPem(source), source})
  for (const source of sources.keyFiles ?? [])
    identities.push({kind: 'key-file', key: await readKeyFile(source), source})
  const maxWorkFactor = sources.maxWorkFactor === undefined ? undefined : checkMaxWorkFactor(sources.maxWorkFactor)
  if (sources.passphrase !== undefined)
    identities.push({kind: 'passphrase', passphrase: sources.passphrase, maxWorkFactor})
  return identities
}

/** Whether a PEM private key file is passphrase-protected (encrypt --sign-key then asks for it). */
export async function isKeyFileEncrypted(path: string): Promise<boolean> {
  return (await readPem(path)).includes('BEGIN ENCRYPTED PRIVATE KEY')
}

/** Reads a PEM private key (PKCS#8, optionally encrypted) to sign encrypted files with. */
export async function loadSigningKey(path: string, passphrase?: string): Promise<SigningKey> {
  const pem = await readPem(path)
  if (!pem.includes('PRIVATE KEY-----')) throw coreError('KEY_MALFORMED', `${path} is not a PEM private key.`)
  try {
    return signingKeyFrom(createPrivateKey({key: pem, format: 'pem', passphrase}), path)
  } catch (error) {
    if (error instanceof LlmsecError) throw error
    if (pem.includes('ENCRYPTED')) throw coreError('PASSPHRASE_WRONG', `Cannot decrypt ${path}: wrong passphrase.`)
    throw coreError('KEY_MALFORMED', `${path} is not a usable private key.`)
  }
}

/**
 * Reads the keys a sender signature must verify under: public key PEMs, and certificates, whose
 * key is used while they are valid. A certificate is not chain-validated here: it pins its key.
 */
export async function loadVerifyKeys(
  sources: {keys?: string[]; certs?: string[]},
  now = new Date(),
): Promise<VerifyKey[]> {
  const result: VerifyKey[] = []
  for (const source of sources.keys ?? []) {
    let key
    try {
      key = createPublicKey(await readPem(source))
    } catch (error) {
      if (error instanceof LlmsecError) throw error
      throw coreError('KEY_MALFORMED', `${source} is not a PEM public key.`)
    }
    result.push({key, fingerprint: keyFingerprint(key), source})
  }
  for (const source of sources.certs ?? []) {
    let cert: X509Certificate
    try {
      cert = new X509Certificate(await readPem(source))
    } catch (error) {
      if (error instanceof LlmsecError) throw error
      throw coreError('KEY_MALFORMED', `${source} is not a PEM certificate.`)
    }
    if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
      throw coreError('KEY_UNSUPPORTED', `${source} is not valid now (valid ${cert.validFrom} to ${cert.validTo}).`)
    }
    result.push({key: cert.publicKey, fingerprint: keyFingerprint(cert.publicKey), source})
  }
  return result
}
