import {coreError, LlmsecError} from '../../core/errors.js'
import {readFileBoundedSync, suggestedOutput} from '../../core/fs.js'
import {asAuditReport, MAX_RESULT_BYTES} from './fleet.js'
import {digestHost, type HostDigest} from './fleet-summary.js'
import type {AuditReport} from './report.types.js'
import {inOrderOnThreads, threadsFor} from './report-threads.js'

/** Reads one saved audit result (`llmsec audit --json` output); throws when it cannot be read or is not one. */
export function readAuditResult(file: string): {file: string; report: AuditReport} {
  const text = readFileBoundedSync(file, MAX_RESULT_BYTES).toString('utf8')
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw coreError(
      'INPUT_MALFORMED',
      `${file} is not JSON (${(error as Error).message}). Save one with llmsec audit --json --output ${suggestedOutput('audit.json', file)}.`,
    )
  }
  return {file, report: asAuditReport(data, file)}
}

/**
 * One result file read for a fleet: the sanitized result as UTF-8 JSON and its digest, or why it
 * was refused. Bytes, not a string: they move from a reading thread without a copy, and a fleet's
 * results held as bytes are outside the JavaScript heap, which the garbage collector then need
 * not walk nor move.
 */
export type HostRead = {file: string; json: Uint8Array; digest: HostDigest} | {file: string; refused: string}

const utf8 = new TextEncoder()

/** Reads, checks and digests one result file for a fleet (on a reading thread or the calling one). */
export function readHost(file: string): HostRead {
  try {
    const {report} = readAuditResult(file)
    return {file, json: utf8.encode(JSON.stringify(report)), digest: digestHost(report, file)}
  } catch (error) {
    if (error instanceof LlmsecError) return {file, refused: error.message}
    throw error
  }
}

/**
 * Reads result files for a fleet and hands each to `take` in file order (refused ones too). With
 * more than one core and enough files, threads read, check and digest them in parallel (reading
 * is most of `llmsec report`'s time); the calling thread only merges, in order, whatever thread
 * read a file, so the fleet is the same either way. `threads` (below 2: none) is for tests.
 */
export async function readHosts(
  files: string[],
  take: (read: HostRead) => void,
  threads = threadsFor(files.length),
): Promise<void> {
  if (threads < 2) {
    for (const file of files) take(readHost(file))
    return
  }
  for await (const read of inOrderOnThreads(
    files.map((file) => ({read: file})),
    threads,
  ))
    take(read as HostRead)
}
