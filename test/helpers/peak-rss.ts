import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runTool, type ExecOptions, type ExecResult} from '../../src/core/exec.js'

/** GNU time: it reports the peak resident set size of the command and all its threads. */
export const TIME = '/usr/bin/time'
export const hasGnuTime = existsSync(TIME)

/**
 * Runs a command under GNU time and returns its result with its peak RSS in bytes (`%M`, KiB, read
 * from a file so the command's own stderr stays its own), or null when the figure is missing.
 */
export async function runMeasured(
  command: string,
  args: string[],
  options: ExecOptions = {},
): Promise<ExecResult & {peakRss: number | null; cpuMs: number | null}> {
  const dir = mkdtempSync(join(tmpdir(), 'llmsec-rss-'))
  try {
    const out = join(dir, 'rss')
    const result = await runTool(TIME, ['-f', '%M %U %S', '-o', out, command, ...args], options)
    const last = existsSync(out) ? (readFileSync(out, 'utf8').trim().split('\n').at(-1) ?? '') : ''
    const [kib, user, system] = last.split(' ').map(Number)
    const cpu = (user + system) * 1000
    return {
      ...result,
      peakRss: Number.isFinite(kib) && kib > 0 ? kib * 1024 : null,
      cpuMs: Number.isFinite(cpu) ? Math.round(cpu) : null,
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
