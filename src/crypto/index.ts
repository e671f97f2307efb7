/**
 * The llmsec encrypted file format: authenticated, chunked, parallel encryption of model files
 * at rest. See docs/encrypted-format.md for the byte layout.
 */
export type {BatchResult, DecryptOptions, EncryptOptions, FileResult, Identity, Recipient} from './crypto.types.js'
export {CRYPTO_ERRORS, cryptoError, type CryptoErrorCode} from './errors.js'
export {
  MAGIC,
  MAX_HEADER_LENGTH,
  type Header,
  type Stanza,
  StanzaType,
  chunkNonce,
  countChunks,
  decodeHeader,
  encodeHeader,
  encryptedLength,
  hasMagic,
} from './format.js'
export {INFO, deriveFileKeys} from './keys.js'
export {readHeader, openEncryptedFile} from './open-header.js'
export {encryptFile} from './encrypt-file.js'
export {prepareRecipients, createStanzas} from './prepare-recipients.js'
export {checkFile, decryptFile} from './decrypt-file.js'
export {decryptRange, decryptToStream, MAX_RANGE_LENGTH} from './decrypt-stream.js'
export {encryptPath, decryptPath, listFiles} from './tree.js'
export {ENCRYPTED_SUFFIX} from './file-name.js'
export {exitCodeFor} from './policy.js'
export {DEFAULT_SCRYPT, type ScryptParams, readKeyFile} from './secret-stanzas.js'
export {resolveWorkerEntry, INLINE_LIMIT} from './parallel.js'
export {sealChunk, openChunk} from './chunk-range.js'
export {defaultOutputMode, parseOutputMode} from './output-file.js'
export {
  isKeyFileEncrypted,
  loadIdentities,
  loadRecipients,
  loadSigningKey,
  loadVerifyKeys,
  type KeySources,
} from './load-keys.js'
export type {SigningKey, VerifyKey} from './signature.js'
