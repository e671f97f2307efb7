import {reindentJson, stringifyAt} from '../../core/json-chunks.js'
import {parseResultJson} from './fleet.js'
import type {FleetReport} from './fleet.types.js'
import {junitHead, junitHostSuites, junitTail} from './junit.js'
import {inOrderOnThreads, PIECE_FORMATS, threadsFor, type PieceFormat, type ReportJob} from './report-threads.js'
import {
  SARIF_LOG_HEAD,
  sarifLogTail,
  sarifRunSeparator,
  sarifRunBytes,
  type DescriptorCache,
  type SarifOptions,
} from './sarif.js'

type PieceJob = Extract<ReportJob, {piece: string}>

/** Descriptors of the log a report thread renders runs of (a thread lives for one log). */
const descriptors: DescriptorCache = new Map()

const utf8 = new TextEncoder()

/**
 * One host's piece of a fleet report, on a report thread: its entry of the JSON `hosts` list, its
 * SARIF run or its JUnit suites, as UTF-8 bytes (they move to the writing thread without a copy).
 */
export function hostPiece(job: PieceJob): Uint8Array[] {
  if (job.piece === 'sarif') {
    const report = parseResultJson(job.json)
    return [sarifRunBytes(report, job.host, {category: job.sarifCategory, fleet: true}, descriptors)]
  }
  if (job.piece === 'junit') return [utf8.encode(junitHostSuites(parseResultJson(job.json), job.host))]
  // stringifyAt({host, file, report}, '    '), the result re-indented rather than parsed again.
  const [entry, member] = ['    ', '      ']
  const head = `{\n${member}"host": ${JSON.stringify(job.host)},\n${member}"file": ${JSON.stringify(job.file)},\n${member}"report": `
  return [utf8.encode(head), reindentJson(job.json, member), utf8.encode(`\n${entry}}`)]
}

/**
 * Report threads for rendering a fleet's JSON, SARIF or JUnit, or 0 when it is rendered here: a
 * single result, a small fleet, or hosts held as objects (mergeFleet).
 */
export function pieceThreads(format: string, input: unknown): number {
  if (!(PIECE_FORMATS as readonly string[]).includes(format)) return 0
  const fleet = input as Partial<FleetReport>
  if (fleet.kind !== 'fleet' || !fleet.hosts?.every((h) => h.json)) return 0
  return threadsFor(fleet.hosts.length)
}

/**
 * A fleet's JSON, SARIF or JUnit with each host's piece rendered on report threads, byte for byte
 * what jsonChunks, sarifChunks and junitChunks write; the pieces reach this thread in host order.
 */
export async function* fleetChunksOnThreads(
  format: PieceFormat,
  fleet: FleetReport,
  threads: number,
  options: SarifOptions = {},
): AsyncGenerator<string | Uint8Array> {
  const pieces = inOrderOnThreads(
    fleet.hosts.map((h) => ({
      piece: format,
      host: h.host,
      file: h.file,
      json: h.json!,
      sarifCategory: options.category,
    })),
    threads,
  ) as AsyncGenerator<Uint8Array[]>
  if (format === 'sarif') {
    yield SARIF_LOG_HEAD
    let i = 0
    for await (const run of pieces) {
      yield sarifRunSeparator(i++)
      yield* run
    }
    return yield sarifLogTail(fleet.rejected)
  }
  if (format === 'junit') {
    yield junitHead(fleet)
    for await (const suites of pieces) yield* suites
    return yield junitTail(fleet.rejected)
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
      for await (const piece of pieces) {
        yield i++ ? ',\n    ' : '[\n    '
        yield* piece
      }
      yield '\n  ]'
    }
  }
  yield '\n}\n'
}
