import {chmod} from 'node:fs/promises'
import {join} from 'node:path'

import {execa} from 'execa'

import {binPath, repoRoot} from './cli.js'
import {hasTool, isRoot} from './env.js'

/** Drops to nobody:nogroup without supplementary groups (the tests themselves run as root). */
export const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups']

/**
 * Why a command cannot be run as an unprivileged user here, or null when it can: root to drop
 * privileges, setpriv, and a checkout nobody can read.
 */
export async function whyNoUnprivilegedRun(): Promise<string | null> {
  if (!isRoot) return 'permission-denied reads need root to create files nobody cannot read'
  if (!hasTool('setpriv')) return 'setpriv is not installed'
  const probe = await execa(AS_NOBODY[0], [...AS_NOBODY.slice(1), process.execPath, '-e', '0'], {
    cwd: repoRoot,
    reject: false,
  })
  return probe.exitCode === 0 ? null : `cannot run node as nobody: ${probe.stderr.trim().split('\n')[0]}`
}

/** Runs a Node.js script of the repository (TypeScript through tsx) as nobody; stdout is parsed as JSON. */
export async function runScriptAsNobody<T>(script: string, args: string[]): Promise<T> {
  const node = [process.execPath, '--import', 'tsx', join(repoRoot, script), ...args]
  const run = await execa(AS_NOBODY[0], [...AS_NOBODY.slice(1), ...node], {cwd: repoRoot, env: {HOME: '/tmp'}})
  return JSON.parse(run.stdout) as T
}

/** Lets nobody traverse a temporary root (mkdtemp makes it 0700). */
export async function openToOthers(root: string): Promise<void> {
  await chmod(root, 0o755)
}

/** Runs the built CLI with --json as nobody and parses stdout. */
export async function runCliJsonAsNobody<T>(args: string[]): Promise<{exitCode: number; json: T; stderr: string}> {
  const cli = [process.execPath, binPath, ...args, '--json']
  const run = await execa(AS_NOBODY[0], [...AS_NOBODY.slice(1), ...cli], {
    cwd: repoRoot,
    env: {HOME: '/tmp', NO_COLOR: '1'},
    reject: false,
    timeout: 60_000,
  })
  return {exitCode: run.exitCode ?? -1, json: JSON.parse(String(run.stdout)) as T, stderr: String(run.stderr)}
}
