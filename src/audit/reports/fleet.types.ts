import type {FleetTally, HostSummary} from './fleet-summary.js'
import type {AuditReport, RejectedResult} from './report.types.js'

/** Several hosts' reports merged (`llmsec report a.json b.json`). */
export interface FleetReport {
  kind: 'fleet'
  generatedAt: string
  llmsecVersion?: string
  hosts: FleetHost[]
  /** Mean of the host scores. */
  score: number
  /** Result files that could not be read or were refused (the report is then incomplete: exit 4). */
  rejected: RejectedResult[]
  /** Totals over every host's rows (not part of the JSON). */
  readonly tally: FleetTally
}

export interface FleetHost {
  /** Host name, made unique (`gpu-1`, `gpu-1 (2)`) when two results name the same host. */
  host: string
  /** The result file it came from. */
  file: string
  /** The host's result (with `llmsec report`, parsed again on each read: read it once per pass). */
  report: AuditReport
  /** What fleet views show of the host (not part of the JSON). */
  readonly summary: HostSummary
  /** The result as UTF-8 JSON, when `report` is parsed from it (not part of the JSON). */
  readonly json?: Uint8Array
}
