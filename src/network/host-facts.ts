import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

/** The local ephemeral port range of this network namespace; null when it cannot be read. */
export async function readEphemeralRange(procRoot = '/proc'): Promise<{low: number; high: number} | null> {
  const text = await readFile(join(procRoot, 'sys/net/ipv4/ip_local_port_range'), 'utf8').catch(() => null)
  const match = text ? /^\s*(\d+)\s+(\d+)\s*$/.exec(text) : null
  if (!match) return null
  const [low, high] = [Number(match[1]), Number(match[2])]
  return low <= high && high <= 65_535 ? {low, high} : null
}

/** A sysctl value as trimmed text, or null when absent. */
export async function readSysctl(procRoot: string, name: string): Promise<string | null> {
  return readFile(join(procRoot, 'sys', name), 'utf8').then(
    (t) => t.trim(),
    () => null,
  )
}
