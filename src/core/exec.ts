/**
 * execa, imported on the first subprocess: its module graph takes about 100 ms to load, and a
 * command that starts no subprocess (or starts its first one while reading files) need not wait for it.
 */
let execaModule: Promise<typeof import('execa')> | undefined
const loadExeca = () => (execaModule ??= import('execa'))

/** How a subprocess ended. `missing` (not installed) is a normal result, not an exception. */
type ExecStatus = 'ok' | 'failed' | 'missing' | 'timeout' | 'denied'

export interface ExecResult {
  status: ExecStatus
  command: string
  args: string[]
  exitCode: number | null
  stdout: string
  stderr: string
  durationMs: number
  /** A one-line reason when status is not ok, with secrets redacted. */
  reason?: string
}

export interface ExecOptions {
  /** Kill the process after this many milliseconds (default 10 s). */
  timeoutMs?: number
  /** Text written to stdin. */
  input?: string
  cwd?: string
  /** Extra environment variables (merged over process.env). */
  env?: Record<string, string | undefined>
  /** Values to replace with *** in reasons and error messages (passwords, tokens). */
  secrets?: string[]
  /** Cap on captured stdout/stderr, in bytes (default 64 MiB). */
  maxBuffer?: number
}

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024

function redact(text: string, secrets: string[] = []): string {
  let out = text
  for (const secret of secrets) if (secret) out = out.split(secret).join('***')
  return out
}

/**
 * Runs a program with an argument array — never through a shell — with a timeout.
 * This is the only place llmsec starts subprocesses.
 */
export async function runTool(command: string, args: string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
  const started = performance.now()
  const base = {command, args, stdout: '', stderr: '', exitCode: null}
  const {execa} = await loadExeca()
  const result = await execa(command, args, {
    reject: false,
    shell: false,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    maxBuffer: options.maxBuffer ?? DEFAULT_MAX_BUFFER,
    stripFinalNewline: false,
    encoding: 'utf8',
  })
  const durationMs = Math.round(performance.now() - started)
  const stdout = typeof result.stdout === 'string' ? result.stdout : ''
  const stderr = typeof result.stderr === 'string' ? result.stderr : ''
  const errno = (result as {code?: string}).code
  if (errno === 'ENOENT') {
    return {...base, status: 'missing', durationMs, reason: `${command} is not installed (not found on PATH)`}
  }
  if (errno === 'EACCES') {
    return {...base, status: 'denied', durationMs, reason: `${command} is not executable (permission denied)`}
  }
  if (result.timedOut) {
    const reason = `${command} timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`
    return {...base, stdout, stderr, status: 'timeout', durationMs, reason}
  }
  const exitCode = result.exitCode ?? null
  if (result.failed) {
    const firstLine = redact(stderr.trim().split('\n')[0] ?? '', options.secrets)
    const how = exitCode === null ? `was killed (${result.signal ?? 'signal'})` : `exited with code ${exitCode}`
    const reason = `${command} ${how}${firstLine ? `: ${firstLine}` : ''}`
    return {...base, stdout, stderr, exitCode, status: 'failed', durationMs, reason}
  }
  return {...base, stdout, stderr, exitCode, status: 'ok', durationMs}
}
