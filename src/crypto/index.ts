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
export {encryptFile, prepareRecipients, createStanzas} from './encrypt-file.js'
export {checkFile, decryptFile, decryptRange, decryptToStream, MAX_RANGE_LENGTH} from './decrypt-file.js'
export {encryptPath, decryptPath, listFiles, ENCRYPTED_SUFFIX} from './tree.js'
export {exitCodeFor} from './policy.js'
export {DEFAULT_SCRYPT, type ScryptParams, readKeyFile} from './secret-stanzas.js'
export {resolveWorkerEntry, INLINE_LIMIT} from './parallel.js'
export {sealChunk, openChunk} from './chunk-range.js'
export {defaultOutputMode, parseOutputMode} from './output-file.js'
export {loadIdentities, loadRecipients, type KeySources} from './load-keys.js'
