import {errorConstructor, ExitCode, type ErrorCodes} from '../core/errors.js'

const integrity = (meaning: string) => ({exit: ExitCode.Findings, meaning})
const usage = (meaning: string) => ({exit: ExitCode.Usage, meaning})

/**
 * Codes of the encrypted file format. Integrity and key failures exit 1 (the file was read and
 * does not verify); the rest exit 2. Keys and outputs use the core codes.
 */
export const CRYPTO_ERRORS = {
  NOT_LLMSEC: usage('Not an llmsec-encrypted file (no LLMSEC magic), or a directory with no .llmsec files.'),
  HEADER_CORRUPT: integrity('The header does not parse or its MAC does not verify: damaged or modified.'),
  KEY_MISMATCH: integrity('None of the keys given opens the file: a wrong key or passphrase, or a modified header.'),
  KEY_MISSING: usage('No recipient (encrypt) or no key (decrypt) was given.'),
  TRUNCATED: integrity('The file is shorter than its header says.'),
  TRAILING_BYTES: integrity('Bytes follow the last chunk.'),
  CHUNK_AUTH_FAILED: integrity('A chunk failed authentication (modified, reordered, truncated or from another file).'),
  TOO_MANY_RECIPIENTS: usage('More recipients than fit in a 64 KiB header.'),
  RANGE_INVALID: usage('A chunk size or a byte range is out of bounds.'),
} as const satisfies ErrorCodes<string>

export type CryptoErrorCode = keyof typeof CRYPTO_ERRORS

/** An error of the crypto domain. */
export const cryptoError = errorConstructor<CryptoErrorCode>(CRYPTO_ERRORS)
