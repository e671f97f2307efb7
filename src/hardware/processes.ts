import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

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

/** Lists processes from /proc (every process is visible to every user; environments are not). */
export async function listProcesses(procRoot = '/proc'): Promise<ProcessInfo[]> {
  const entries = await readdir(procRoot).catch(() => [] as string[])
  const processes = await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name): Promise<ProcessInfo | null> => {
        const dir = join(procRoot, name)
        const [comm, cmdline, status] = await Promise.all([
          readFile(join(dir, 'comm'), 'utf8').catch(() => null),
          readFile(join(dir, 'cmdline')).catch(() => null),
          readFile(join(dir, 'status'), 'utf8').catch(() => ''),
        ])
        if (comm === null) return null
        const argv = cmdline ? cmdline.subarray(0, MAX_CMDLINE_BYTES).toString('utf8').split('\0').filter(Boolean) : []
        const uid = /^Uid:\s+(\d+)/m.exec(status)
        return {pid: Number(name), comm: comm.trim(), argv, uid: uid ? Number(uid[1]) : null}
      }),
  )
  return processes.filter((p): p is ProcessInfo => p !== null)
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
