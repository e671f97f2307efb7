import {createCipheriv, createDecipheriv, hkdfSync} from 'node:crypto'

import {FILE_KEY_LENGTH, TAG_LENGTH} from './format.js'

/** HKDF info strings (docs/encrypted-format.md, "Key derivation"). */
export const INFO = {
  payload: 'llmsec/v1 payload',
  header: 'llmsec/v1 header',
  ecdh: 'llmsec/v1 ecdh',
  keyFile: 'llmsec/v1 key-file',
  passphrase: 'llmsec/v2 passphrase',
} as const

export const WRAPPED_LENGTH = FILE_KEY_LENGTH + TAG_LENGTH
const ZERO_NONCE = Buffer.alloc(12)

/** HKDF-SHA-256 to 32 bytes. */
export function hkdf32(ikm: Buffer, salt: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info, 'utf8'), 32))
}

/** The payload (chunk) key and the header MAC key of one file. */
export function deriveFileKeys(fileKey: Buffer, salt: Buffer): {payloadKey: Buffer; macKey: Buffer} {
  return {payloadKey: hkdf32(fileKey, salt, INFO.payload), macKey: hkdf32(fileKey, salt, INFO.header)}
}

/**
 * Wraps the file key under a key-encryption key: AES-256-GCM with an all-zero nonce, which is
 * safe because every KEK is used once (it comes from a fresh salt or ephemeral key).
 */
export function wrapFileKey(kek: Buffer, fileKey: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', kek, ZERO_NONCE)
  return Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()])
}

/** Unwraps a file key; undefined when the KEK is wrong (or the stanza was modified). */
export function unwrapFileKey(kek: Buffer, wrapped: Buffer): Buffer | undefined {
  if (wrapped.length !== WRAPPED_LENGTH) return undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, ZERO_NONCE)
    decipher.setAuthTag(wrapped.subarray(FILE_KEY_LENGTH))
    return Buffer.concat([decipher.update(wrapped.subarray(0, FILE_KEY_LENGTH)), decipher.final()])
  } catch {
    return undefined
  }
}
