import {createHmac, timingSafeEqual} from 'node:crypto'
import {cryptoError} from './errors.js'
import {type HeaderMeta, decodeMeta, encodeMeta} from './header-meta.js'

/**
 * The llmsec encrypted file format, versions 1 and 2 (docs/encrypted-format.md is the reference).
 * Every integer is big-endian. Parsing is bounded: nothing read from a file can make us
 * allocate more than MAX_HEADER_LENGTH bytes or loop more than MAX_STANZAS times.
 */
export const MAGIC = Buffer.from([0x4c, 0x4c, 0x4d, 0x53, 0x45, 0x43, 0x1a, 0x0a]) // "LLMSEC" SUB LF
/** Version 1: stanzas then the MAC. Version 2 adds metadata (name, mode, signature layout) before the MAC. */
const VERSION_1 = 1
const VERSION_2 = 2
/** Suite 1: AES-256-GCM chunks, HKDF-SHA-256 key derivation, HMAC-SHA-256 header MAC. */
const SUITE_AES256GCM_HKDF_SHA256 = 1
export const FIXED_HEADER_LENGTH = 56
const MAC_LENGTH = 32
export const TAG_LENGTH = 16
export const SALT_LENGTH = 32
export const FILE_KEY_LENGTH = 32
export const MIN_CHUNK_LOG2 = 6
export const MAX_CHUNK_LOG2 = 24
export const DEFAULT_CHUNK_LOG2 = 20
const MAX_STANZAS = 32
export const MAX_HEADER_LENGTH = 65_536
/** Plaintext lengths stay exact in a JavaScript number. */
const MAX_PLAINTEXT_LENGTH = Number.MAX_SAFE_INTEGER

/** Type 5 (version 2 only): a passphrase stanza whose scrypt run can be shared by the files of one run. */
export const StanzaType = {RsaOaep: 1, Ecdh: 2, Scrypt: 3, KeyFile: 4, ScryptShared: 5} as const
export type StanzaType = (typeof StanzaType)[keyof typeof StanzaType]

export interface Stanza {
  type: StanzaType
  body: Buffer
}

/** A decoded header. `authenticated` holds the bytes the MAC covers. */
export interface Header {
  version: number
  suite: number
  chunkLog2: number
  chunkSize: number
  plaintextLength: number
  salt: Buffer
  stanzas: Stanza[]
  /** Version 2 metadata; absent in version 1 files. */
  meta?: HeaderMeta
  headerLength: number
  authenticated: Buffer
  mac: Buffer
}

/** Without meta, a version 1 header is written (kept for the test vector); llmsec writes version 2. */
export type HeaderFields = Pick<Header, 'chunkLog2' | 'plaintextLength' | 'salt' | 'stanzas' | 'meta'>

/** Number of chunks of a plaintext: at least one (an empty file has one empty final chunk). */
export function countChunks(plaintextLength: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(plaintextLength / chunkSize))
}

/** Exact size of the encrypted file: header, chunks, then the signature when there is one. */
export function encryptedLength(
  headerLength: number,
  plaintextLength: number,
  chunkSize: number,
  signatureLength = 0,
): number {
  return headerLength + plaintextLength + TAG_LENGTH * countChunks(plaintextLength, chunkSize) + signatureLength
}

/** Offset of chunk `index` in the encrypted file (chunks sit at fixed offsets). */
export function chunkOffset(header: Pick<Header, 'headerLength' | 'chunkSize'>, index: number): number {
  return header.headerLength + index * (header.chunkSize + TAG_LENGTH)
}

/** Plaintext length of chunk `index`. */
export function chunkPlainLength(header: Pick<Header, 'plaintextLength' | 'chunkSize'>, index: number): number {
  return Math.min(header.chunkSize, header.plaintextLength - index * header.chunkSize)
}

/** Serialises a header and appends its MAC (HMAC-SHA-256 under the header key). */
export function encodeHeader(fields: HeaderFields, macKey: Buffer): Buffer {
  const stanzaBytes: Buffer[] = fields.stanzas.map((s) => {
    const head = Buffer.alloc(3)
    head.writeUInt8(s.type, 0)
    head.writeUInt16BE(s.body.length, 1)
    return Buffer.concat([head, s.body])
  })
  if (fields.meta) stanzaBytes.push(encodeMeta(fields.meta))
  const length = FIXED_HEADER_LENGTH + stanzaBytes.reduce((n, b) => n + b.length, 0) + MAC_LENGTH
  if (fields.stanzas.length < 1 || fields.stanzas.length > MAX_STANZAS || length > MAX_HEADER_LENGTH) {
    throw cryptoError('TOO_MANY_RECIPIENTS', `A file needs 1 to ${MAX_STANZAS} recipients that fit a 64 KiB header.`)
  }
  const fixed = Buffer.alloc(FIXED_HEADER_LENGTH)
  MAGIC.copy(fixed, 0)
  fixed.writeUInt8(fields.meta ? VERSION_2 : VERSION_1, 8)
  fixed.writeUInt8(SUITE_AES256GCM_HKDF_SHA256, 9)
  fixed.writeUInt8(fields.chunkLog2, 10)
  fixed.writeUInt8(fields.stanzas.length, 11)
  fixed.writeUInt32BE(length, 12)
  fixed.writeBigUInt64BE(BigInt(fields.plaintextLength), 16)
  fields.salt.copy(fixed, 24)
  const authenticated = Buffer.concat([fixed, ...stanzaBytes])
  return Buffer.concat([authenticated, computeHeaderMac(macKey, authenticated)])
}

function computeHeaderMac(macKey: Buffer, authenticated: Buffer): Buffer {
  return createHmac('sha256', macKey).update(authenticated).digest()
}

/** Whether `mac` is the header MAC under `macKey` (constant-time comparison). */
export function verifyHeaderMac(header: Header, macKey: Buffer): boolean {
  return timingSafeEqual(computeHeaderMac(macKey, header.authenticated), header.mac)
}

/** Whether a buffer starts with the llmsec magic. */
export function hasMagic(head: Buffer): boolean {
  return head.length >= MAGIC.length && head.subarray(0, MAGIC.length).equals(MAGIC)
}

/** Header length announced by the fixed part; validated against the bounds. */
export function readHeaderLength(fixed: Buffer): number {
  if (fixed.length < FIXED_HEADER_LENGTH) throw corrupt('the file is shorter than the fixed header')
  const length = fixed.readUInt32BE(12)
  if (length > MAX_HEADER_LENGTH) {
    throw cryptoError(
      'LIMIT_EXCEEDED',
      `the llmsec header announces ${length} bytes, over the ${MAX_HEADER_LENGTH}-byte header bound; nothing was read.`,
    )
  }
  if (length < FIXED_HEADER_LENGTH + 3 + MAC_LENGTH) throw corrupt(`header length ${length} is out of bounds`)
  return length
}

/**
 * Parses a header from the first bytes of a file (at least the header length).
 * Throws NOT_LLMSEC (exit 2) without the magic and HEADER_CORRUPT (exit 1) for anything
 * else that is out of bounds, because a file with our magic was made by llmsec and then changed.
 */
export function decodeHeader(bytes: Buffer): Header {
  if (!hasMagic(bytes)) throw cryptoError('NOT_LLMSEC', 'not an llmsec-encrypted file (no LLMSEC magic).')
  const headerLength = readHeaderLength(bytes)
  if (bytes.length < headerLength) throw corrupt('the file ends inside the header')
  const version = bytes.readUInt8(8)
  if (version !== VERSION_1 && version !== VERSION_2) throw corrupt(`unsupported format version ${version}`)
  const suite = bytes.readUInt8(9)
  if (suite !== SUITE_AES256GCM_HKDF_SHA256) throw corrupt(`unknown algorithm suite ${suite}`)
  const chunkLog2 = bytes.readUInt8(10)
  if (chunkLog2 < MIN_CHUNK_LOG2 || chunkLog2 > MAX_CHUNK_LOG2) throw corrupt(`chunk size 2^${chunkLog2} out of bounds`)
  const count = bytes.readUInt8(11)
  if (count > MAX_STANZAS) {
    throw cryptoError(
      'LIMIT_EXCEEDED',
      `the llmsec header has ${count} recipient stanzas, over the bound of ${MAX_STANZAS}.`,
    )
  }
  if (count < 1) throw corrupt('recipient count 0')
  const big = bytes.readBigUInt64BE(16)
  if (big > BigInt(MAX_PLAINTEXT_LENGTH)) throw corrupt('plaintext length out of bounds')
  const end = headerLength - MAC_LENGTH
  const {stanzas, at} = decodeStanzas(
    bytes,
    count,
    end,
    version === VERSION_2 ? StanzaType.ScryptShared : StanzaType.KeyFile,
  )
  if (version === VERSION_1 && at !== end) throw corrupt('extra bytes after the last recipient')
  const meta = version === VERSION_2 ? decodeMeta(bytes, at, end) : undefined
  return {
    version,
    meta,
    suite,
    chunkLog2,
    chunkSize: 2 ** chunkLog2,
    plaintextLength: Number(big),
    salt: Buffer.from(bytes.subarray(24, 24 + SALT_LENGTH)),
    stanzas,
    headerLength,
    authenticated: Buffer.from(bytes.subarray(0, headerLength - MAC_LENGTH)),
    mac: Buffer.from(bytes.subarray(headerLength - MAC_LENGTH, headerLength)),
  }
}

function decodeStanzas(bytes: Buffer, count: number, end: number, maxType: number): {stanzas: Stanza[]; at: number} {
  const stanzas: Stanza[] = []
  let at = FIXED_HEADER_LENGTH
  for (let i = 0; i < count; i++) {
    if (at + 3 > end) throw corrupt(`recipient ${i + 1} runs past the header`)
    const type = bytes.readUInt8(at)
    const length = bytes.readUInt16BE(at + 1)
    if (type < StanzaType.RsaOaep || type > maxType) throw corrupt(`recipient ${i + 1} has unknown type ${type}`)
    if (at + 3 + length > end) throw corrupt(`recipient ${i + 1} runs past the header`)
    stanzas.push({type: type as StanzaType, body: Buffer.from(bytes.subarray(at + 3, at + 3 + length))})
    at += 3 + length
  }
  return {stanzas, at}
}

function corrupt(why: string) {
  return cryptoError('HEADER_CORRUPT', `the llmsec header is corrupt or was modified: ${why}.`)
}

/** The 12-byte chunk nonce: 11-byte big-endian chunk counter, then 0x01 for the last chunk else 0x00. */
export function chunkNonce(index: number, last: boolean, out: Buffer = Buffer.alloc(12)): Buffer {
  out.fill(0)
  // Counters stay below 2^53, so the first three bytes of the 11-byte counter are always zero.
  out.writeUInt32BE(Math.floor(index / 2 ** 32), 3)
  out.writeUInt32BE(index % 2 ** 32, 7)
  out[11] = last ? 1 : 0
  return out
}
