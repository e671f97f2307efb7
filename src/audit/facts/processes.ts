import {listProcesses} from '../../hardware/index.js'
import type {FactProvider} from './cache.js'
import type {ProcessEntry} from './fact-map.js'
import {readTextIn, whyUnreadable} from './rootfs.js'

/** Largest environment read per process. */
const MAX_ENVIRON_BYTES = 256 * 1024

/** Parses a NUL-separated /proc/<pid>/environ. */
export function parseEnviron(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=')
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return env
}

/** A process's environment; unreadable for another user's process without root, null once it exited. */
async function readEnviron(pid: number): Promise<Pick<ProcessEntry, 'environment' | 'unreadable'>> {
  const read = await readTextIn('/', `/proc/${pid}/environ`, MAX_ENVIRON_BYTES)
  if (read.state === 'present') return {environment: parseEnviron(read.value)}
  if (read.state === 'absent') return {environment: null}
  return {environment: null, unreadable: whyUnreadable(read)}
}

/**
 * Processes of the running host from the inventory engine (src/hardware), plus each process's
 * environment where /proc lets us read it (the inference-service checks need OLLAMA_HOST & co).
 */
export const processesProvider: FactProvider<'processes'> = {
  id: 'processes',
  live: true,
  async gather() {
    const processes = (await listProcesses()).filter((p) => p.pid !== process.pid)
    return Promise.all(
      processes.map(async (p): Promise<ProcessEntry> => ({
        pid: p.pid,
        comm: p.comm,
        args: p.argv,
        uid: p.uid,
        ...(await readEnviron(p.pid)),
      })),
    )
  },
}
