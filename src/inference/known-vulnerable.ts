import {compareParsedVersions, parseVersion} from '../core/version.js'
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
    if (!fixed || compareParsedVersions(parsed, fixed) >= 0) return false
    return !introduced || compareParsedVersions(parsed, introduced) >= 0
  })
}
