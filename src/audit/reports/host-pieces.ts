import {stringifyAt} from '../../core/json-chunks.js'
import {parseResultJson} from './fleet.js'
import type {FleetReport} from './fleet.types.js'
import {inOrderOnThreads, threadsFor, type ReportJob} from './report-threads.js'
import {
  SARIF_LOG_HEAD,
  sarifLogTail,
  sarifRunChunk,
  sarifRunText,
  type DescriptorCache,
  type SarifOptions,
} from './sarif.js'

type PieceJob = Extract<ReportJob, {piece: string}>

/** Descriptors of the log a report thread renders runs of (a thread lives for one log). */
const descriptors: DescriptorCache = new Map()

/** One host's piece of a fleet report, on a report thread: its entry of the JSON `hosts` list, or its SARIF run. */
export function hostPiece(job: PieceJob): string {
  const report = parseResultJson(job.json)
  if (job.piece === 'json') return stringifyAt({host: job.host, file: job.file, report}, '    ')
  return sarifRunText(report, job.host, {category: job.sarifCategory, fleet: true}, descriptors)
}

/**
 * Report threads for rendering a fleet's JSON or SARIF, or 0 when it is rendered here: a
 * single result, a small fleet, or hosts held as objects (mergeFleet).
 */
export function pieceThreads(format: string, input: unknown): number {
  if (format !== 'json' && format !== 'sarif') return 0
  const fleet = input as Partial<FleetReport>
  if (fleet.kind !== 'fleet' || !fleet.hosts?.every((h) => h.json)) return 0
  return threadsFor(fleet.hosts.length)
}

/**
 * A fleet's JSON or SARIF with each host's piece rendered on report threads, byte for byte what
 * jsonChunks and sarifChunks write; the pieces reach this thread in host order.
 */
export async function* fleetChunksOnThreads(
  format: 'json' | 'sarif',
  fleet: FleetReport,
  threads: number,
  options: SarifOptions = {},
): AsyncGenerator<string> {
  const pieces = inOrderOnThreads(
    fleet.hosts.map((h) => ({
      piece: format,
      host: h.host,
      file: h.file,
      json: h.json!,
      sarifCategory: options.category,
    })),
    threads,
  ) as AsyncGenerator<string>
  if (format === 'sarif') {
    yield SARIF_LOG_HEAD
    let i = 0
    for await (const run of pieces) yield sarifRunChunk(i++, run)
    return yield sarifLogTail(fleet.rejected)
  }
  // jsonChunks(fleet, 2): members at indent 2, the hosts list an entry at a time.
  let first = true
  for (const [key, value] of Object.entries(fleet)) {
    if (value === undefined) continue
    yield `${first ? '{\n  ' : ',\n  '}${JSON.stringify(key)}: `
    first = false
    if (key !== 'hosts') yield stringifyAt(value, '  ')
    else if (!fleet.hosts.length) yield '[]'
    else {
      let i = 0
      for await (const piece of pieces) yield `${i++ ? ',\n    ' : '[\n    '}${piece}`
      yield '\n  ]'
    }
  }
  yield '\n}\n'
}
