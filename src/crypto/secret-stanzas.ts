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
/** Bounds on the parameters llmsec writes. */
const SCRYPT_BOUNDS = {minLogN: 10, maxLogN: 20, maxR: 32, maxP: 4, maxMemory: 256 * 1024 * 1024}
/**
 * The work factor W bounds a stanza read from a file before scrypt runs: its cost N·r·p at most
 * that of N = 2^W with r = 8, p = 1, and its memory 128·N·r at most 2^W KiB. 18 (256 MiB, under a
 * second here) by default; `decrypt --max-work-factor` raises it up to 22.
 */
const DEFAULT_MAX_WORK_FACTOR = 18
const MAX_WORK_FACTOR_LIMIT = 22
const MIN_WORK_FACTOR = 10
const SALT = 16
const SCRYPT_BODY = SALT + 3 + WRAPPED_LENGTH
const SHARED_SCRYPT_BODY = SALT + 3 + SALT + WRAPPED_LENGTH
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

/** A passphrase with scrypt run once, for every file of one encrypt run (stanza type 5). */
export interface DerivedPassphrase {
  salt: Buffer
  params: ScryptParams
  secret: Buffer
}

/** Runs scrypt once for a run of encrypt: each file then wraps its key under HKDF(secret, its own salt). */
export async function derivePassphrase(
  passphrase: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<DerivedPassphrase> {
  if (passphrase.length === 0) throw coreError('PASSPHRASE_REQUIRED', 'The passphrase is empty.')
  if (!scryptParamsInBounds(params)) throw usageError('scrypt parameters out of bounds.')
  const salt = randomBytes(SALT)
  return {salt, params, secret: await deriveScryptKey(passphrase, salt, params)}
}

/** Stanza type 5: scrypt salt and parameters (shared by a run), the file's own salt, the wrapped key. */
export function createSharedPassphraseStanza(derived: DerivedPassphrase, fileKey: Buffer): Stanza {
  const fileSalt = randomBytes(SALT)
  const kek = hkdf32(derived.secret, fileSalt, INFO.passphrase)
  const {logN, r, p} = derived.params
  const body = Buffer.concat([derived.salt, Buffer.from([logN, r, p]), fileSalt, wrapFileKey(kek, fileKey)])
  return {type: StanzaType.ScryptShared, body}
}

/** Validates a --max-work-factor value. */
export function checkMaxWorkFactor(value: number): number {
  if (!Number.isInteger(value) || value < MIN_WORK_FACTOR || value > MAX_WORK_FACTOR_LIMIT) {
    throw usageError(`--max-work-factor must be an integer from ${MIN_WORK_FACTOR} to ${MAX_WORK_FACTOR_LIMIT}.`)
  }
  return value
}

/**
 * Refuses, before scrypt runs, parameters that cost more than the work factor allows (exit 2,
 * naming the bound and the flag), and degenerate ones (r or p of 0, N below 2^10: corrupt).
 */
export function assertScryptCost(params: ScryptParams, maxWorkFactor = DEFAULT_MAX_WORK_FACTOR): void {
  const {logN, r, p} = params
  if (logN < MIN_WORK_FACTOR || r < 1 || p < 1) {
    throw cryptoError(
      'HEADER_CORRUPT',
      `the llmsec header is corrupt or was modified: scrypt parameters 2^${logN}/${r}/${p} out of bounds.`,
    )
  }
  const cost = 2 ** logN * r * p
  const memory = 128 * 2 ** logN * r
  if (cost > 2 ** maxWorkFactor * 8 || memory > 2 ** maxWorkFactor * 1024) {
    throw cryptoError(
      'LIMIT_EXCEEDED',
      `the passphrase stanza asks for scrypt N = 2^${logN}, r = ${r}, p = ${p}, over the maximum work factor ${maxWorkFactor} (N = 2^${maxWorkFactor}, r = 8, p = 1); nothing was computed.`,
      [`If you trust the file, pass --max-work-factor (up to ${MAX_WORK_FACTOR_LIMIT}).`],
    )
  }
}

/** Whether a stanza is a passphrase stanza (type 3, or type 5 of version 2). */
export function isPassphraseStanza(stanza: Stanza): boolean {
  return stanza.type === StanzaType.Scrypt || stanza.type === StanzaType.ScryptShared
}

/** The scrypt parameters of a passphrase stanza, or undefined when its body has the wrong length. */
export function scryptParamsOf(stanza: Stanza): ScryptParams | undefined {
  const body = stanza.body
  const length = stanza.type === StanzaType.Scrypt ? SCRYPT_BODY : SHARED_SCRYPT_BODY
  return body.length === length ? {logN: body[SALT], r: body[SALT + 1], p: body[SALT + 2]} : undefined
}

/**
 * scrypt results per passphrase identity and (salt, parameters): the files of one encrypt run share
 * a salt, so decrypting a directory runs scrypt once, not once per file.
 */
const derived = new WeakMap<object, Map<string, Promise<Buffer>>>()

function deriveOnce(identity: {passphrase: string}, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  let cache = derived.get(identity)
  if (!cache) derived.set(identity, (cache = new Map()))
  const id = `${salt.toString('hex')}/${params.logN}/${params.r}/${params.p}`
  let key = cache.get(id)
  if (!key) {
    key = deriveScryptKey(identity.passphrase, salt, params)
    cache.set(id, key)
  }
  return key
}

/**
 * Opens a passphrase stanza (type 3 or 5); undefined for a wrong passphrase. Parameters over the
 * work factor are refused before scrypt runs.
 */
export async function openPassphraseStanza(
  stanza: Stanza,
  identity: {passphrase: string; maxWorkFactor?: number},
): Promise<Buffer | undefined> {
  const body = stanza.body
  const params = scryptParamsOf(stanza)
  if (!params) return undefined
  assertScryptCost(params, identity.maxWorkFactor)
  const secret = await deriveOnce(identity, body.subarray(0, SALT), params)
  if (stanza.type === StanzaType.Scrypt) return unwrapFileKey(secret, body.subarray(SALT + 3))
  const fileSalt = body.subarray(SALT + 3, SALT + 3 + SALT)
  return unwrapFileKey(hkdf32(secret, fileSalt, INFO.passphrase), body.subarray(SALT + 3 + SALT))
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
