import type {FileHandle} from 'node:fs/promises'

import type {Identity} from './crypto.types.js'
import {cryptoError} from './errors.js'
import {
  FILE_KEY_LENGTH,
  FIXED_HEADER_LENGTH,
  type Header,
  StanzaType,
  decodeHeader,
  encryptedLength,
  hasMagic,
  readHeaderLength,
  verifyHeaderMac,
} from './format.js'
import {type OpenInput, openInput} from './input-file.js'
import {deriveFileKeys} from './keys.js'
import {openPublicKeyStanza, parsePrivateKeyPem} from './recipients.js'
import {
  assertScryptCost,
  isPassphraseStanza,
  openKeyFileStanza,
  openPassphraseStanza,
  scryptParamsOf,
} from './secret-stanzas.js'

/** An encrypted file whose header authenticated under the given key. */
export interface OpenedFile {
  path: string
  header: Header
  payloadKey: Buffer
  fileSize: number
  /** The trailing sender signature (format version 2, when signed). */
  signature?: Buffer
}

const STANZA_NAMES: Record<number, string> = {
  [StanzaType.RsaOaep]: 'RSA certificate/key',
  [StanzaType.Ecdh]: 'EC key',
  [StanzaType.Scrypt]: 'passphrase',
  [StanzaType.KeyFile]: 'key file',
  [StanzaType.ScryptShared]: 'passphrase',
}

/** Reads and decodes the header of `path` (bounded to 64 KiB), without any key. */
export async function readHeader(path: string): Promise<{header: Header; fileSize: number}> {
  const source = await openInput(path)
  try {
    return {header: await readHeaderFrom(source.handle, path), fileSize: source.info.size}
  } finally {
    await source.handle.close()
  }
}

async function readHeaderFrom(handle: FileHandle, path: string): Promise<Header> {
  const fixed = Buffer.alloc(FIXED_HEADER_LENGTH)
  const {bytesRead} = await handle.read(fixed, 0, FIXED_HEADER_LENGTH, 0)
  if (!hasMagic(fixed.subarray(0, bytesRead))) {
    throw cryptoError('NOT_LLMSEC', `${path} is not an llmsec-encrypted file (no LLMSEC magic).`)
  }
  const length = bytesRead < FIXED_HEADER_LENGTH ? FIXED_HEADER_LENGTH : readHeaderLength(fixed)
  const bytes = Buffer.alloc(length)
  const read = await handle.read(bytes, 0, length, 0)
  return decodeHeader(bytes.subarray(0, read.bytesRead))
}

/**
 * Cost bounds checked before any key work: at most one passphrase stanza (a hostile header could
 * otherwise ask for 32 maximum-cost scrypt runs), and its parameters within the work factor of
 * the passphrase given. The stanza count and header size are bounded when the header is decoded.
 */
function assertHeaderCosts(header: Header, identities: Identity[], path: string): void {
  const scrypt = header.stanzas.filter(isPassphraseStanza)
  if (scrypt.length > 1) {
    throw cryptoError(
      'LIMIT_EXCEEDED',
      `${path} has ${scrypt.length} passphrase (scrypt) stanzas; a file may have at most 1. Nothing was computed.`,
    )
  }
  const params = scrypt.length === 1 ? scryptParamsOf(scrypt[0]) : undefined
  for (const identity of identities) {
    if (identity.kind === 'passphrase' && params) assertScryptCost(params, identity.maxWorkFactor)
  }
}

/** Unwraps the file key with the first identity that matches a stanza. */
async function unwrapWithIdentities(header: Header, identities: Identity[], path: string): Promise<Buffer> {
  assertHeaderCosts(header, identities, path)
  const kinds = [...new Set(header.stanzas.map((s) => STANZA_NAMES[s.type]))].join(', ')
  if (identities.length === 0) {
    throw cryptoError('KEY_MISSING', `no key given to decrypt ${path}; it opens with: ${kinds}.`, [
      'Pass --identity <private.pem>, --passphrase (or LLMSEC_PASSPHRASE) or --key-file <file>.',
    ])
  }
  for (const identity of identities) {
    const key = await tryIdentity(header, identity)
    if (key && key.length === FILE_KEY_LENGTH) return key
  }
  throw cryptoError(
    'KEY_MISMATCH',
    `the key does not match ${path} (wrong key or passphrase, or a modified header); it opens with: ${kinds}.`,
  )
}

async function tryIdentity(header: Header, identity: Identity): Promise<Buffer | undefined> {
  const privateKey = identity.kind === 'private-key' ? parsePrivateKeyPem(identity.pem, identity.source) : undefined
  for (const stanza of header.stanzas) {
    let key: Buffer | undefined
    if (privateKey && (stanza.type === StanzaType.RsaOaep || stanza.type === StanzaType.Ecdh)) {
      key = openPublicKeyStanza(stanza, privateKey)
    } else if (identity.kind === 'passphrase' && isPassphraseStanza(stanza)) {
      key = await openPassphraseStanza(stanza, identity)
    } else if (identity.kind === 'key-file' && stanza.type === StanzaType.KeyFile) {
      key = openKeyFileStanza(stanza, identity.key)
    }
    if (key) return key
  }
  return undefined
}

/**
 * Opens an encrypted file: decodes the header, unwraps the file key, authenticates the header and
 * checks the file size against it. Every failure is an LlmsecError (exit 1 integrity/key, 2 input).
 */
export async function openEncryptedFile(path: string, identities: Identity[]): Promise<OpenedFile> {
  const source = await openInput(path)
  try {
    return await openEncryptedInput(source, identities)
  } finally {
    await source.handle.close()
  }
}

/** openEncryptedFile over an input already open; the caller reads chunks through the same descriptor. */
export async function openEncryptedInput(source: OpenInput, identities: Identity[]): Promise<OpenedFile> {
  const path = source.path
  const header = await readHeaderFrom(source.handle, path)
  const fileSize = source.info.size
  const fileKey = await unwrapWithIdentities(header, identities, path)
  const {payloadKey, macKey} = deriveFileKeys(fileKey, header.salt)
  if (!verifyHeaderMac(header, macKey)) {
    throw cryptoError('HEADER_CORRUPT', `the header of ${path} was modified (its MAC does not verify).`)
  }
  const signatureLength = header.meta?.signature?.length ?? 0
  const expected = encryptedLength(header.headerLength, header.plaintextLength, header.chunkSize, signatureLength)
  if (fileSize < expected) {
    throw cryptoError('TRUNCATED', `${path} is truncated: ${fileSize} bytes, the header says ${expected}.`)
  }
  if (fileSize > expected) {
    const extra = fileSize - expected
    throw cryptoError(
      'TRAILING_BYTES',
      `${path} has ${extra} unexpected bytes after the last chunk${signatureLength ? ' and the signature' : ''}.`,
    )
  }
  if (signatureLength === 0) return {path, header, payloadKey, fileSize}
  const signature = Buffer.alloc(signatureLength)
  await source.handle.read(signature, 0, signatureLength, fileSize - signatureLength)
  return {path, header, payloadKey, fileSize, signature}
}
