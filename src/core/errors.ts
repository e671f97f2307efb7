import {statSync} from 'node:fs'
import {dirname} from 'node:path'

declare const exitCodeBrand: unique symbol

/**
 * A process exit code. The brand makes a bare number fail to type-check where an exit code is
 * expected, so every exit is spelled `ExitCode.*` and its meaning is visible at the call.
 */
export type ExitCode = number & {readonly [exitCodeBrand]: true}

/** Exit codes shared by every llmsec command (the README's "Exit codes" table). */
export const ExitCode = {
  /** Success: nothing failed. */
  Ok: 0 as ExitCode,
  /** A finding or a failed check: the input was read and judged, and it fails. */
  Findings: 1 as ExitCode,
  /** A usage or input error: a bad flag, an input that is missing, unreadable or malformed, an unwritable output. */
  Usage: 2 as ExitCode,
  /** A bug in llmsec. */
  Unexpected: 3 as ExitCode,
  /** Some rules or files could not be evaluated, so the verdict is incomplete. */
  Incomplete: 4 as ExitCode,
} as const

/** The highest of some exit codes (Ok for none): a batch exits with its worst outcome. */
export function worstExitCode(codes: Iterable<ExitCode>): ExitCode {
  let worst = ExitCode.Ok
  for (const code of codes) if (code > worst) worst = code
  return worst
}

/** What an error code means and the exit code it maps to (one row of docs/errors.md). */
export interface ErrorCodeSpec {
  readonly exit: ExitCode
  readonly meaning: string
}

/** A domain's table of error codes: the closed union of its codes is `keyof` the table. */
export type ErrorCodes<Code extends string> = {readonly [C in Code]: ErrorCodeSpec}

/**
 * An expected failure: a message that says what happened and what to do, a code from one
 * domain's table and the exit code that table gives it. Build one with a domain's constructor
 * (`coreError`, `cryptoError`, …), never with `new`, so that every code is declared.
 */
export class LlmsecError<Code extends string = string> extends Error {
  readonly code: Code
  readonly exit: ExitCode
  readonly hints: readonly string[]

  constructor(code: Code, spec: Pick<ErrorCodeSpec, 'exit'>, message: string, hints: readonly string[] = []) {
    super(message)
    this.name = 'LlmsecError'
    this.code = code
    this.exit = spec.exit
    this.hints = hints
  }
}

/** The typed constructor of a domain's errors: `const cryptoError = errorConstructor(CRYPTO_ERRORS)`. */
export function errorConstructor<Code extends string>(codes: ErrorCodes<Code>) {
  return (code: Code, message: string, hints: readonly string[] = []): LlmsecError<Code> =>
    new LlmsecError(code, codes[code], message, hints)
}

/** A code that exits 2: a usage or input error. */
export const usageCode = (meaning: string): ErrorCodeSpec => ({exit: ExitCode.Usage, meaning})

/** A code that exits 1: the input was read and judged, and it fails (integrity, a wrong key). */
export const findingCode = (meaning: string): ErrorCodeSpec => ({exit: ExitCode.Findings, meaning})

/** Codes every domain may use: inputs, outputs, keys and passphrases, tools, time, bugs. */
export const CORE_ERRORS = {
  USAGE: usageCode('A flag or argument is missing, conflicts with another or has a bad value.'),
  INPUT_NOT_FOUND: usageCode('A file, directory or ruleset that was named does not exist.'),
  INPUT_UNREADABLE: usageCode(
    'An input exists but cannot be read: permission denied, a directory where a file is expected, or an I/O error.',
  ),
  INPUT_MALFORMED: usageCode(
    'An input was read but is not what it should be: bad YAML or JSON, a schema violation, over a size limit.',
  ),
  OUTPUT_EXISTS: usageCode('An output file already exists; pass --force to overwrite it.'),
  OUTPUT_UNWRITABLE: usageCode(
    'An output file or directory cannot be written: permission denied, a parent that is not a directory, a read-only or full filesystem.',
  ),
  KEY_MALFORMED: usageCode('A key file is not a usable key (not PEM, damaged, too large, not 32 bytes).'),
  KEY_UNSUPPORTED: usageCode('A key of a type, curve or size llmsec does not accept for this use.'),
  PASSPHRASE_REQUIRED: usageCode(
    'A passphrase is needed but none was given (no terminal to ask on), or it was empty or not confirmed.',
  ),
  PASSPHRASE_WRONG: usageCode('The passphrase does not decrypt the private key.'),
  TOOL_MISSING: usageCode('A program or optional package llmsec needs for this is not installed.'),
  TIMEOUT: usageCode('An endpoint or a check did not answer within its timeout.'),
  CANCELLED: usageCode('A prompt was cancelled; nothing was written.'),
  UNEXPECTED: {exit: ExitCode.Unexpected, meaning: 'A bug in llmsec: run again with --debug and report it.'},
} as const satisfies ErrorCodes<string>

export type CoreErrorCode = keyof typeof CORE_ERRORS

/** An error with one of the core codes. */
export const coreError = errorConstructor<CoreErrorCode>(CORE_ERRORS)

/** A usage error (exit 2): a flag or argument is missing, conflicting or bad. */
export function usageError(message: string, hints: readonly string[] = []): LlmsecError<CoreErrorCode> {
  return coreError('USAGE', message, hints)
}

/** The refusal to replace an existing output without --force. */
export function outputExistsError(path: string): LlmsecError<CoreErrorCode> {
  return coreError('OUTPUT_EXISTS', `${path} already exists; pass --force to overwrite it.`)
}

/** What llmsec was doing with a path when node:fs failed. */
export type FsAction = 'read' | 'list' | 'write' | 'create-directory'

/** The nearest existing ancestor of `path` (or `path` itself) that is not a directory. */
function blockingFile(path: string): string | null {
  for (let at = path; ; at = dirname(at)) {
    let info
    try {
      info = statSync(at)
    } catch {
      // ENOENT or ENOTDIR: the culprit is further up.
    }
    if (info) return info.isDirectory() ? null : at
    if (dirname(at) === at) return null
  }
}

function readFailure(errno: string | undefined, path: string, action: FsAction, why: string) {
  const verb = action === 'list' ? 'list' : 'read'
  if (errno === 'ENOENT') return coreError('INPUT_NOT_FOUND', `${path} does not exist.`)
  if (errno === 'ENOTDIR') {
    const file = blockingFile(path)
    if (action === 'list' && file === path) return coreError('INPUT_UNREADABLE', `${path} is not a directory.`)
    return coreError('INPUT_NOT_FOUND', `${path} does not exist${file ? ` (${file} is not a directory)` : ''}.`)
  }
  if (errno === 'EACCES' || errno === 'EPERM')
    return coreError('INPUT_UNREADABLE', `Permission denied to ${verb} ${path}.`, ['Run as root, or as its owner.'])
  if (errno === 'EISDIR') return coreError('INPUT_UNREADABLE', `${path} is a directory, expected a file.`)
  if (errno === 'EFTYPE') return coreError('INPUT_UNREADABLE', `${path} is not a regular file.`)
  return coreError('INPUT_UNREADABLE', `Cannot ${verb} ${path}: ${why}`)
}

function writeFailure(errno: string | undefined, path: string, action: FsAction, why: string) {
  const unwritable = (reason: string) => coreError('OUTPUT_UNWRITABLE', `Cannot write ${path}: ${reason}.`)
  const directory = action === 'create-directory'
  if (errno === 'EEXIST' && !directory) return outputExistsError(path)
  if (errno === 'EEXIST' || errno === 'ENOTDIR') {
    const file = blockingFile(path)
    return file ? unwritable(`${file} is not a directory`) : unwritable('a part of the path is not a directory')
  }
  if (errno === 'EACCES' || errno === 'EPERM') return unwritable('permission denied')
  if (errno === 'EISDIR') return unwritable('it is a directory; give a file name')
  if (errno === 'ENOENT') return unwritable(`${dirname(path)} does not exist`)
  if (errno === 'EROFS') return unwritable('the filesystem is read-only')
  if (errno === 'ENOSPC' || errno === 'EDQUOT') return unwritable('no space left on the device')
  return unwritable(why.replace(/\.$/, ''))
}

/**
 * Turns a node:fs failure into an LlmsecError whose one line names the path: INPUT_* codes when
 * reading or listing, OUTPUT_* when writing. An LlmsecError passes through unchanged.
 */
export function fsError(error: unknown, path: string, action: FsAction = 'read'): LlmsecError {
  if (error instanceof LlmsecError) return error
  const errno = (error as NodeJS.ErrnoException | undefined)?.code
  const why = error instanceof Error ? error.message : String(error)
  if (action === 'read' || action === 'list') return readFailure(errno, path, action, why)
  return writeFailure(errno, path, action, why)
}

/** A short human reason for any thrown value (for sections that record errors instead of failing). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0]
  return String(error)
}
