import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {execa, execaSync} from 'execa'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const binPath = join(repoRoot, 'bin', 'run.js')
/** ../shared beside the repository (may be absent: tests that need it skip and say so). */
export const sharedDir = resolve(repoRoot, '..', 'shared')
export const hasShared = existsSync(join(sharedDir, 'README.md'))

export interface CliRun {
  exitCode: number
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  input?: string
  timeoutMs?: number
  /** Run as `nobody` (tests run as root); see unprivilegedPrefix. */
  unprivileged?: boolean
}

/** Runs the built CLI (bin/run.js over dist/) as a real subprocess. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  if (!existsSync(join(repoRoot, 'dist', 'commands'))) throw new Error('dist/ is missing: run `npm run build` first.')
  const prefix = options.unprivileged ? unprivilegedPrefix() : []
  if (prefix === null) throw new Error('cannot drop privileges here: check unprivilegedPrefix() first')
  const [command, ...leading] = [...prefix, process.execPath]
  const result = await execa(command, [...leading, binPath, ...args], {
    reject: false,
    cwd: options.cwd ?? repoRoot,
    // nobody cannot read root's home: give oclif a home it may look into and find nothing.
    env: {NO_COLOR: '1', ...(options.unprivileged ? UNPRIVILEGED_ENV : {}), ...options.env},
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    timeout: options.timeoutMs ?? 60_000,
  })
  return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)}
}

const UNPRIVILEGED_ENV = {
  HOME: '/nonexistent',
  XDG_CONFIG_HOME: undefined,
  XDG_DATA_HOME: undefined,
  XDG_CACHE_HOME: undefined,
}
let dropPrivileges: string[] | null | undefined

/**
 * The command prefix that runs a program as `nobody` from root (setpriv, else runuser), [] when
 * the tests already run unprivileged, null when neither tool can drop privileges here.
 */
export function unprivilegedPrefix(): string[] | null {
  if (dropPrivileges !== undefined) return dropPrivileges
  if (process.getuid?.() !== 0) return (dropPrivileges = [])
  const candidates = [
    ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--'],
    ['runuser', '-u', 'nobody', '--'],
  ]
  dropPrivileges = null
  for (const prefix of candidates) {
    const probe = execaSync(prefix[0], [...prefix.slice(1), 'id', '-u'], {reject: false})
    if (probe.exitCode === 0 && String(probe.stdout).trim() !== '0') return (dropPrivileges = prefix)
  }
  return dropPrivileges
}

/** Runs the CLI with --json and parses stdout. */
export async function runCliJson<T = unknown>(args: string[], options: CliOptions = {}): Promise<CliRun & {json: T}> {
  const run = await runCli([...args, '--json'], options)
  let json: T
  try {
    json = JSON.parse(run.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.exitCode}):\n${run.stdout}\nstderr:\n${run.stderr}`)
  }
  return {...run, json}
}
