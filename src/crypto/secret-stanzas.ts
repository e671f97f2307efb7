import {randomBytes, scrypt as scryptCallback} from 'node:crypto'
import {readFile} from 'node:fs/promises'

import {coreError, fsError, usageError} from '../core/errors.js'
import {suggestedOutput} from '../core/fs.js'
import {cryptoError} from './errors.js'
import {type Stanza, StanzaType} from './format.js'
import {INFO, WRAPPED_LENGTH, hkdf32, unwrapFileKey, wrapFileKey} from './keys.js'

/** scrypt cost parameters, recorded in the passphrase stanza. */
export interface ScryptParams {
  logN: number
  r: number
  p: number
}

/**
 * N = 2^16, r = 8: 64 MiB and about 0.2 s here. 2^17 would push a decrypting process past the
 * 200 MB memory budget; raise p instead of N if more work is wanted.
 */
export const DEFAULT_SCRYPT: ScryptParams = {logN: 16, r: 8, p: 1}
/** Bounds applied to parameters read from a file, so a hostile header cannot exhaust memory or time. */
const SCRYPT_BOUNDS = {minLogN: 10, maxLogN: 20, maxR: 32, maxP: 4, maxMemory: 256 * 1024 * 1024}
const SALT = 16
const SCRYPT_BODY = SALT + 3 + WRAPPED_LENGTH
const KEY_FILE_BODY = SALT + WRAPPED_LENGTH
const RAW_KEY_LENGTH = 32

/** Whether scrypt parameters are within the bounds this implementation accepts. */
function scryptParamsInBounds({logN, r, p}: ScryptParams): boolean {
  const b = SCRYPT_BOUNDS
  if (logN < b.minLogN || logN > b.maxLogN || r < 1 || r > b.maxR || p < 1 || p > b.maxP) return false
  return 128 * r * 2 ** logN <= b.maxMemory
}

async function deriveScryptKey(passphrase: string, salt: Buffer, {logN, r, p}: ScryptParams): Promise<Buffer> {
  const N = 2 ** logN
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8')
  const maxmem = 128 * r * N + 1024 * 1024 * 4
  return new Promise((resolve, reject) => {
    scryptCallback(secret, salt, 32, {N, r, p, maxmem}, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

/** Stanza type 3: the file key wrapped under scrypt(passphrase). */
export async function createPassphraseStanza(
  passphrase: string,
  fileKey: Buffer,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<Stanza> {
  if (passphrase.length === 0) throw coreError('PASSPHRASE_REQUIRED', 'The passphrase is empty.')
  if (!scryptParamsInBounds(params)) throw usageError('scrypt parameters out of bounds.')
  const salt = randomBytes(SALT)
  const kek = await deriveScryptKey(passphrase, salt, params)
  const body = Buffer.concat([salt, Buffer.from([params.logN, params.r, params.p]), wrapFileKey(kek, fileKey)])
  return {type: StanzaType.Scrypt, body}
}

/** Opens a passphrase stanza; undefined for a wrong passphrase. Out-of-bounds parameters are corruption. */
export async function openPassphraseStanza(stanza: Stanza, passphrase: string): Promise<Buffer | undefined> {
  const body = stanza.body
  if (body.length !== SCRYPT_BODY) return undefined
  const params = {logN: body[SALT], r: body[SALT + 1], p: body[SALT + 2]}
  if (!scryptParamsInBounds(params)) {
    throw cryptoError(
      'HEADER_CORRUPT',
      `the llmsec header is corrupt or was modified: scrypt parameters 2^${params.logN}/${params.r}/${params.p} out of bounds.`,
    )
  }
  const kek = await deriveScryptKey(passphrase, body.subarray(0, SALT), params)
  return unwrapFileKey(kek, body.subarray(SALT + 3))
}

/** Stanza type 4: the file key wrapped under HKDF(raw 32-byte key, stanza salt). */
export function createKeyFileStanza(key: Buffer, fileKey: Buffer): Stanza {
  const salt = randomBytes(SALT)
  const kek = hkdf32(key, salt, INFO.keyFile)
  return {type: StanzaType.KeyFile, body: Buffer.concat([salt, wrapFileKey(kek, fileKey)])}
}

export function openKeyFileStanza(stanza: Stanza, key: Buffer): Buffer | undefined {
  if (stanza.body.length !== KEY_FILE_BODY) return undefined
  const kek = hkdf32(key, stanza.body.subarray(0, SALT), INFO.keyFile)
  return unwrapFileKey(kek, stanza.body.subarray(SALT))
}

/**
 * Reads a raw key file: exactly 32 bytes, or the same as 64 hex digits or base64 (what KMS and
 * Vault exports look like), surrounding whitespace ignored.
 */
export async function readKeyFile(path: string): Promise<Buffer> {
  let raw: Buffer
  try {
    raw = await readFile(path)
  } catch (error) {
    throw fsError(error, path)
  }
  if (raw.length === RAW_KEY_LENGTH) return raw
  const text = raw.length <= 200 ? raw.toString('latin1').trim() : ''
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex')
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64')
  throw coreError(
    'KEY_MALFORMED',
    `${path} is not a 32-byte key (raw bytes, 64 hex digits or base64); a new one: head -c 32 /dev/urandom > ${suggestedOutput('new.key', path)}`,
  )
}
