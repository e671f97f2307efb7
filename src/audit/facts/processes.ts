import {readdir, readFile} from 'node:fs/promises'

import type {FactProvider} from './cache.js'
import type {ProcessEntry} from './fact-map.js'

const MAX_PROCESSES = 20_000

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return null
  }
}

/** Parses a NUL-separated /proc/<pid>/environ. */
export function parseEnviron(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=')
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return env
}

async function readProcess(pid: number): Promise<ProcessEntry | null> {
  const base = `/proc/${pid}`
  const status = await readOrNull(`${base}/status`)
  if (status === null) return null
  const comm = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? ''
  const uidText = /^Uid:\s*(\d+)/m.exec(status)?.[1]
  const cmdline = (await readOrNull(`${base}/cmdline`)) ?? ''
  const environ = await readOrNull(`${base}/environ`)
  return {
    pid,
    comm,
    args: cmdline.split('\0').filter((a) => a !== ''),
    uid: uidText === undefined ? null : Number(uidText),
    environment: environ === null ? null : parseEnviron(environ),
  }
}

/** Processes of the running host from /proc (arguments, uid, environment when readable). */
export const processesProvider: FactProvider<'processes'> = {
  id: 'processes',
  live: true,
  async gather() {
    const pids = (await readdir('/proc'))
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .slice(0, MAX_PROCESSES)
    const entries = await Promise.all(pids.map(readProcess))
    return entries.filter((p): p is ProcessEntry => p !== null && p.pid !== process.pid)
  },
}
