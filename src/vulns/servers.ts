import type {Severity} from '../core/severity.js'
import {runtimeById, type RuntimeId} from '../hardware/index.js'
import {BUNDLED} from './db.js'
import {affectedKey, fixedVersion, judgeAffected, recordSeverity} from './osv.js'

/** A published advisory that holds a server's reported version. */
export interface ServerAdvisory {
  /** The CVE id when the record has one, else its own id (GHSA-…). */
  cve: string
  ids: string[]
  summary: string
  severity: Severity
  /** The first fixed version above the reported one, null when no fix is published. */
  fixed: string | null
  sources: string[]
}

/**
 * The advisories of llmsec's curated data whose ranges hold a server's reported version: the
 * one source `smoke` and `vulns` share. The runtime catalog names the package a runtime's
 * advisories use; a version that does not compare matches nothing (smoke reports it unknown).
 */
export function findServerAdvisories(runtime: RuntimeId, version: string): ServerAdvisory[] {
  const target = runtimeById(runtime).advisories
  if (!target) return []
  const key = `${target.ecosystem}\0${target.name}`
  const found: ServerAdvisory[] = []
  for (const record of BUNDLED.records) {
    for (const affected of record.affected ?? []) {
      if (affectedKey(affected) !== key || judgeAffected(affected, target.ecosystem, version) !== 'affected') continue
      const ids = [record.id, ...(record.aliases ?? [])]
      found.push({
        cve: ids.find((id) => id.startsWith('CVE-')) ?? record.id,
        ids,
        summary: record.summary ?? record.id,
        severity: recordSeverity(record, affected),
        fixed: fixedVersion(affected, target.ecosystem, version),
        sources: (record.references ?? []).map((r) => r.url),
      })
    }
  }
  return found
}
