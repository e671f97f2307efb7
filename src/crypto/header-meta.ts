import {cryptoError} from './errors.js'

/**
 * The version 2 header's metadata, between the stanzas and the MAC (docs/encrypted-format.md):
 * the name the file was made for, the input's recorded mode and the sender signature's layout.
 * All of it is covered by the header MAC, and through it by the signature.
 */
export interface HeaderMeta {
  /** The plaintext's name: its path within the encrypted directory (inTree), else its base name. */
  name: string
  inTree: boolean
  /** The input's permission bits when it was encrypted: informational, never applied. */
  recordedMode: number
  signature?: SignatureLayout
}

/** Which algorithm signs the file, how long the trailing signature is, and whose key made it. */
export interface SignatureLayout {
  alg: SignatureAlg
  length: number
  /** SHA-256 of the signer's SubjectPublicKeyInfo DER. */
  signer: Buffer
}

export const SignatureAlg = {EcdsaP256: 1, EcdsaP384: 2, Ed25519: 3, RsaPss: 4} as const
export type SignatureAlg = (typeof SignatureAlg)[keyof typeof SignatureAlg]

const MAX_NAME_BYTES = 4096
const MAX_SIGNATURE_LENGTH = 1024
const FLAG_IN_TREE = 1
const SIGNER_LENGTH = 32

function corrupt(why: string) {
  return cryptoError('HEADER_CORRUPT', `the llmsec header is corrupt or was modified: ${why}.`)
}

/**
 * Whether a name can be recorded: a relative path of non-empty segments, none `.` or `..`, no
 * NUL, at most 4096 UTF-8 bytes. It is only ever compared, never used as a path.
 */
function isValidName(name: string): boolean {
  if (name === '' || Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES || name.includes('\0')) return false
  return name.split('/').every((part) => part !== '' && part !== '.' && part !== '..')
}

export function encodeMeta(meta: HeaderMeta): Buffer {
  if (!isValidName(meta.name))
    throw cryptoError('RANGE_INVALID', `cannot record the name ${JSON.stringify(meta.name)}.`)
  const name = Buffer.from(meta.name, 'utf8')
  const head = Buffer.alloc(5)
  head.writeUInt8(meta.inTree ? FLAG_IN_TREE : 0, 0)
  head.writeUInt16BE(meta.recordedMode & 0o7777, 1)
  head.writeUInt16BE(name.length, 3)
  const sig = meta.signature
  if (!sig) return Buffer.concat([head, name, Buffer.from([0])])
  const layout = Buffer.alloc(3)
  layout.writeUInt8(sig.alg, 0)
  layout.writeUInt16BE(sig.length, 1)
  return Buffer.concat([head, name, layout, sig.signer])
}

/** Decodes the metadata in bytes [at, end); it must fill them exactly. */
export function decodeMeta(bytes: Buffer, at: number, end: number): HeaderMeta {
  if (at + 6 > end) throw corrupt('the metadata runs past the header')
  const flags = bytes.readUInt8(at)
  if (flags & ~FLAG_IN_TREE) throw corrupt(`unknown metadata flags ${flags}`)
  const recordedMode = bytes.readUInt16BE(at + 1) & 0o7777
  const nameLength = bytes.readUInt16BE(at + 3)
  if (nameLength > MAX_NAME_BYTES || at + 5 + nameLength + 1 > end)
    throw corrupt('the recorded name runs past the header')
  const name = bytes.subarray(at + 5, at + 5 + nameLength).toString('utf8')
  if (!isValidName(name) || Buffer.byteLength(name, 'utf8') !== nameLength)
    throw corrupt('the recorded name is not valid')
  let next = at + 5 + nameLength
  const alg = bytes.readUInt8(next)
  next += 1
  let signature: SignatureLayout | undefined
  if (alg !== 0) {
    if (alg > SignatureAlg.RsaPss) throw corrupt(`unknown signature algorithm ${alg}`)
    if (next + 2 + SIGNER_LENGTH > end) throw corrupt('the signature layout runs past the header')
    const length = bytes.readUInt16BE(next)
    if (length < 1 || length > MAX_SIGNATURE_LENGTH) throw corrupt(`signature length ${length} out of bounds`)
    signature = {
      alg: alg as SignatureAlg,
      length,
      signer: Buffer.from(bytes.subarray(next + 2, next + 2 + SIGNER_LENGTH)),
    }
    next += 2 + SIGNER_LENGTH
  }
  if (next !== end) throw corrupt('extra bytes after the metadata')
  return {name, inTree: (flags & FLAG_IN_TREE) !== 0, recordedMode, signature}
}
