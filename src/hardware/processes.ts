import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {syncOr} from '../core/fs.js'

export interface ProcessInfo {
  pid: number
  /** Short name from /proc/<pid>/comm. */
  comm: string
  /** Arguments from /proc/<pid>/cmdline. */
  argv: string[]
  uid: number | null
}

/** Largest cmdline read per process. */
const MAX_CMDLINE_BYTES = 64 * 1024

/** One process from its /proc directory; null once it has exited. */
function readProcess(procRoot: string, name: string): ProcessInfo | null {
  const dir = join(procRoot, name)
  const comm = syncOr(() => readFileSync(join(dir, 'comm')), null)
  const cmdline = syncOr(() => readFileSync(join(dir, 'cmdline')), null)
  const status = syncOr(() => readFileSync(join(dir, 'status'), 'utf8'), '')
  if (comm === null) return null
  const argv = cmdline ? cmdline.subarray(0, MAX_CMDLINE_BYTES).toString('utf8').split('\0').filter(Boolean) : []
  const uid = /^Uid:\s+(\d+)/m.exec(status)
  return {pid: Number(name), comm: comm.toString('utf8').trim(), argv, uid: uid ? Number(uid[1]) : null}
}

/**
 * Lists processes from /proc (every process is visible to every user; environments are not).
 * Synchronous reads on purpose: /proc answers from memory, and three promise-based reads per
 * process cost several times more than synchronous ones.
 */
export async function listProcesses(procRoot = '/proc'): Promise<ProcessInfo[]> {
  const processes: ProcessInfo[] = []
  for (const name of syncOr(() => readdirSync(procRoot), [] as string[])) {
    const info = /^\d+$/.test(name) ? readProcess(procRoot, name) : null
    if (info) processes.push(info)
  }
  return processes
}

const SECRET_FLAG = /^--?(api[-_]?key|token|password|passwd|secret|hf[-_]token|auth)(=|$)/i

/** Replaces the values of secret-looking flags (--api-key X, --token=X) with ***. */
export function redactArgv(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const match = SECRET_FLAG.exec(argv[i])
    if (match && match[2] === '=') out.push(`${argv[i].slice(0, argv[i].indexOf('=') + 1)}***`)
    else if (match && i + 1 < argv.length) {
      out.push(argv[i], '***')
      i++
    } else out.push(argv[i])
  }
  return out
}
