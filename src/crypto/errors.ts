import {ExitCode, LlmsecError} from '../core/errors.js'

/** Error codes of the crypto domain (exit 1: integrity or key mismatch; exit 2: usage or input). */
export type CryptoErrorCode =
  | 'NOT_LLMSEC'
  | 'HEADER_CORRUPT'
  | 'HEADER_TAMPERED'
  | 'KEY_MISMATCH'
  | 'KEY_MISSING'
  | 'KEY_INVALID'
  | 'TRUNCATED'
  | 'TRAILING_BYTES'
  | 'CHUNK_AUTH_FAILED'
  | 'TOO_MANY_RECIPIENTS'
  | 'OUTPUT_EXISTS'
  | 'RANGE_INVALID'
  | 'INPUT_UNREADABLE'

/** An LlmsecError of the crypto domain; exit 1 for authentication failures, 2 for input errors. */
export function cryptoError(message: string, code: CryptoErrorCode, exit: 1 | 2, hints: string[] = []): LlmsecError {
  return new LlmsecError(message, code, exit === 1 ? ExitCode.Findings : ExitCode.Usage, hints)
}

/** Prefixes an error message with the file it concerns, keeping code and exit. */
export function withFile(error: unknown, path: string): unknown {
  if (!(error instanceof LlmsecError) || error.message.startsWith(path)) return error
  const message = `${path}: ${error.message}`
  return new LlmsecError(message, error.code, error.exit, error.hints)
}
