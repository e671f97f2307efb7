/** Exit codes shared by every llmsec command. */
export const ExitCode = {
  Ok: 0,
  Findings: 1,
  Usage: 2,
  Unexpected: 3,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * Error codes. Each domain adds its own codes to this union; the base command maps
 * an LlmsecError to one line on stderr (or `{error: {code, message}}` under --json).
 */
export type CoreErrorCode =
  | 'USAGE'
  | 'INPUT_NOT_FOUND'
  | 'INPUT_UNREADABLE'
  | 'INPUT_MALFORMED'
  | 'CONFIG_INVALID'
  | 'TOOL_MISSING'
  | 'TOOL_FAILED'
  | 'TIMEOUT'
  | 'PERMISSION_DENIED'
  | 'UNEXPECTED'

export type ErrorCode = CoreErrorCode | (string & {})

/** An expected failure: a clear message, a stable code and the exit code it maps to. */
export class LlmsecError extends Error {
  readonly code: ErrorCode
  readonly exit: ExitCode
  readonly hints: string[]

  constructor(message: string, code: ErrorCode, exit: ExitCode = ExitCode.Usage, hints: string[] = []) {
    super(message)
    this.name = 'LlmsecError'
    this.code = code
    this.exit = exit
    this.hints = hints
  }
}

/** Wraps a node:fs error into an LlmsecError with a message that names the path. */
export function fsError(error: unknown, path: string, action = 'read'): LlmsecError {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code === 'ENOENT') return new LlmsecError(`${path} does not exist.`, 'INPUT_NOT_FOUND')
  if (code === 'EACCES' || code === 'EPERM')
    return new LlmsecError(`Permission denied to ${action} ${path}.`, 'PERMISSION_DENIED')
  if (code === 'EISDIR') return new LlmsecError(`${path} is a directory, expected a file.`, 'INPUT_UNREADABLE')
  const why = error instanceof Error ? error.message : String(error)
  return new LlmsecError(`Cannot ${action} ${path}: ${why}`, 'INPUT_UNREADABLE')
}

/** A short human reason for any thrown value (for sections that record errors instead of failing). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0]
  return String(error)
}
