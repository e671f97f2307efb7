import data from './data/known-vulnerable.json' with {type: 'json'}
import type {ServerKind, Severity} from './inference.types.js'

export interface VulnerabilityEntry {
  server: string
  cve: string
  summary: string
  severity: Severity
  introduced: string | null
  fixed: string
  sources: string[]
}

/** The repository's list of published CVEs by server and version range. */
export const knownVulnerabilities: VulnerabilityEntry[] = data.entries as VulnerabilityEntry[]

/**
 * Splits a version like "v0.1.33", "0.6.4.post1" or "b4567-abcdef" into numbers.
 * Returns null when it holds no number at all.
 */
export function parseVersion(version: string): number[] | null {
  const match = /(\d+(?:\.\d+)*)/.exec(version.trim())
  if (!match) return null
  return match[1].split('.').map(Number)
}

/** Compares numeric versions component by component (missing parts are 0). */
export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0)
    if (diff !== 0) return diff < 0 ? -1 : 1
  }
  return 0
}

/** The entries whose range holds this server version. */
export function findVulnerabilities(
  kind: ServerKind,
  version: string,
  entries: VulnerabilityEntry[] = knownVulnerabilities,
): VulnerabilityEntry[] {
  const parsed = parseVersion(version)
  if (!parsed) return []
  return entries.filter((entry) => {
    if (entry.server !== kind) return false
    const fixed = parseVersion(entry.fixed)
    const introduced = entry.introduced ? parseVersion(entry.introduced) : null
    if (!fixed || compareVersions(parsed, fixed) >= 0) return false
    return !introduced || compareVersions(parsed, introduced) >= 0
  })
}
