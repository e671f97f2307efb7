import {errorConstructor, findingCode, usageCode, type ErrorCodes} from '../core/errors.js'

/**
 * Codes of the encrypted file format. Integrity and key failures exit 1 (the file was read and
 * does not verify); the rest exit 2. Keys and outputs use the core codes.
 */
export const CRYPTO_ERRORS = {
  NOT_LLMSEC: usageCode('Not an llmsec-encrypted file (no LLMSEC magic), or a directory with no .llmsec files.'),
  HEADER_CORRUPT: findingCode('The header does not parse or its MAC does not verify: damaged or modified.'),
  KEY_MISMATCH: findingCode('None of the keys given opens the file: a wrong key or passphrase, or a modified header.'),
  KEY_MISSING: usageCode('No recipient (encrypt) or no key (decrypt) was given.'),
  TRUNCATED: findingCode('The file is shorter than its header says.'),
  TRAILING_BYTES: findingCode('Bytes follow the last chunk.'),
  CHUNK_AUTH_FAILED: findingCode(
    'A chunk failed authentication (modified, reordered, truncated or from another file).',
  ),
  NAME_MISMATCH: findingCode(
    'The file was made for another name (renamed or swapped within a model directory); pass --allow-renamed to accept it.',
  ),
  SIGNATURE_MISSING: findingCode('A sender signature was required (--verify-key/--verify-cert) and the file has none.'),
  UNTRUSTED_SIGNER: findingCode('The file is signed, but by a key other than the ones given to verify it.'),
  SIGNATURE_INVALID: findingCode('The sender signature does not verify: the file was changed after it was signed.'),
  TOO_MANY_RECIPIENTS: usageCode('More recipients than fit in a 64 KiB header.'),
  RANGE_INVALID: usageCode('A chunk size or a byte range is out of bounds.'),
  LIMIT_EXCEEDED: usageCode(
    'A header exceeds a cost bound (scrypt stanzas, scrypt work factor, stanza count, header size); nothing was computed.',
  ),
  SAME_FILE: usageCode('The input and the output are the same file (same device and inode, or the same real path).'),
  INPUT_CHANGED: usageCode('The input changed while it was encrypted or before it was removed; it was kept.'),
  MODE_INVALID: usageCode('A --mode that is not octal or asks for setuid, setgid, sticky or world-write bits.'),
  OUTPUT_REPLACED: usageCode('The temporary output file was replaced by another file while it was written.'),
} as const satisfies ErrorCodes<string>

export type CryptoErrorCode = keyof typeof CRYPTO_ERRORS

/** An error of the crypto domain. */
export const cryptoError = errorConstructor<CryptoErrorCode>(CRYPTO_ERRORS)
