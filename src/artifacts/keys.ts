import {createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject} from 'node:crypto'
import {readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {coreError, fsError} from '../core/errors.js'
import {ensureDirectory, refuseExisting, writeFileAtomic} from '../core/fs.js'

export const KEY_ALGORITHMS = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521'] as const
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number]

const CURVES: Record<KeyAlgorithm, string> = {
  'ecdsa-p256': 'prime256v1',
  'ecdsa-p384': 'secp384r1',
  'ecdsa-p521': 'secp521r1',
}
/** ECDSA hash per curve, as the reference model_signing tool pairs them. */
const CURVE_HASHES: Record<string, string> = {prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512'}
/** Key and certificate files are small; a bound keeps a wrong path from filling memory. */
const MAX_PEM_BYTES = 1024 * 1024

export interface KeyPairPem {
  privatePem: string
  publicPem: string
}

/** Generates an EC key pair: PKCS#8 PEM (AES-256-CBC encrypted when a passphrase is given) and SPKI PEM. */
export function generateKeyPairPem(algorithm: KeyAlgorithm, passphrase?: string): KeyPairPem {
  const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: CURVES[algorithm]})
  const privatePem = passphrase
    ? privateKey.export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase})
    : privateKey.export({type: 'pkcs8', format: 'pem'})
  return {privatePem: String(privatePem), publicPem: String(publicKey.export({type: 'spki', format: 'pem'}))}
}

export interface WrittenKeyPair {
  privateKey: string
  publicKey: string
  fingerprint: string
}

/** Writes a key pair as <prefix>private.pem (mode 0600) and <prefix>public.pem. */
export async function writeKeyPair(
  outDir: string,
  pair: KeyPairPem,
  options: {force?: boolean; prefix?: string} = {},
): Promise<WrittenKeyPair> {
  const privatePath = join(outDir, `${options.prefix ?? ''}private.pem`)
  const publicPath = join(outDir, `${options.prefix ?? ''}public.pem`)
  await refuseExisting([privatePath, publicPath], options.force)
  await ensureDirectory(outDir, 0o700)
  await writeFileAtomic(privatePath, pair.privatePem, {mode: 0o600})
  await writeFileAtomic(publicPath, pair.publicPem, {mode: 0o644})
  return {privateKey: privatePath, publicKey: publicPath, fingerprint: publicKeyHint(createPublicKey(pair.publicPem))}
}

/** Reads a small PEM file, bounded in size. */
export async function readPemFile(path: string, what: string): Promise<string> {
  try {
    if ((await stat(path)).size > MAX_PEM_BYTES) {
      throw coreError('KEY_MALFORMED', `${path} is too large to be a ${what}.`)
    }
    return await readFile(path, 'utf8')
  } catch (error) {
    throw fsError(error, path)
  }
}

/** Whether a private key PEM is passphrase-protected (PKCS#8 or legacy OpenSSL form). */
export function isPrivateKeyEncrypted(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,ENCRYPTED/.test(pem)
}

/** Loads a private key; an encrypted key without a passphrase is a PASSPHRASE_REQUIRED error. */
export async function loadPrivateKey(path: string, passphrase?: string): Promise<KeyObject> {
  const pem = await readPemFile(path, 'private key')
  if (!pem.includes('PRIVATE KEY-----')) {
    throw coreError('KEY_MALFORMED', `${path} is not a PEM private key.`)
  }
  if (isPrivateKeyEncrypted(pem) && !passphrase) {
    throw coreError('PASSPHRASE_REQUIRED', `${path} is encrypted; set LLMSEC_PASSPHRASE or run interactively.`)
  }
  try {
    return createPrivateKey({key: pem, format: 'pem', passphrase})
  } catch (error) {
    if (isPrivateKeyEncrypted(pem)) {
      throw coreError('PASSPHRASE_WRONG', `Cannot decrypt ${path}: wrong passphrase.`)
    }
    throw coreError('KEY_MALFORMED', `${path} is not a usable private key: ${(error as Error).message}.`)
  }
}

/** Loads a public key from a PEM file (SPKI or PKCS#1). */
export async function loadPublicKey(path: string): Promise<KeyObject> {
  const pem = await readPemFile(path, 'public key')
  if (!pem.includes('PUBLIC KEY-----')) {
    throw coreError('KEY_MALFORMED', `${path} is not a PEM public key (expected "BEGIN PUBLIC KEY").`)
  }
  try {
    return createPublicKey(pem)
  } catch (error) {
    throw coreError('KEY_MALFORMED', `${path} is not a usable public key: ${(error as Error).message}.`)
  }
}

/** The OMS `publicKey.hint`: hex SHA-256 of the key's SPKI PEM (as the reference tool computes it). */
export function publicKeyHint(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  return createHash('sha256')
    .update(String(publicKey.export({type: 'spki', format: 'pem'})))
    .digest('hex')
}

/** The hash to sign with for a key: by curve for ECDSA, none (built in) for Ed25519. */
export function signatureHashFor(key: KeyObject): string | null {
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? ''
    const hash = CURVE_HASHES[curve]
    if (!hash) throw coreError('KEY_UNSUPPORTED', `EC curve ${curve || 'unknown'} is not supported.`)
    return hash
  }
  if (key.asymmetricKeyType === 'ed25519') return null
  if (key.asymmetricKeyType === 'rsa') return 'sha256'
  throw coreError('KEY_UNSUPPORTED', `Key type ${key.asymmetricKeyType ?? 'unknown'} is not supported.`)
}

/** Whether two keys are the same public key. */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  return publicKeyHint(a) === publicKeyHint(b)
}
