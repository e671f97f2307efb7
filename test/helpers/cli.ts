import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {execa} from 'execa'

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
}

/** Runs the built CLI (bin/run.js over dist/) as a real subprocess. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  if (!existsSync(join(repoRoot, 'dist', 'commands'))) throw new Error('dist/ is missing: run `npm run build` first.')
  const result = await execa(process.execPath, [binPath, ...args], {
    reject: false,
    cwd: options.cwd ?? repoRoot,
    env: {NO_COLOR: '1', ...options.env},
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    timeout: options.timeoutMs ?? 60_000,
  })
  return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)}
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
