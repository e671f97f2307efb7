import {stat} from 'node:fs/promises'
import {setImmediate as yieldToLoop} from 'node:timers/promises'

import {describeError, fsError} from '../core/errors.js'
import {noProgress, type OnProgress} from '../core/progress.js'
import {makeFinding} from './codes.js'
import {inspectSource} from './inspect.js'
import {bufferSource, openFileSource, type ByteSource} from './source.js'
import type {FileReport, ScanResult} from './scan.types.js'
import {judgeFindings, summarise} from './verdict.js'
import {globToRegExp} from '../core/glob.js'
import {listFiles} from './walk.js'

export interface ScanOptions {
  /** Globs of files or directories to skip while walking directories (matched on relative path or basename). */
  exclude?: string[]
  onProgress?: OnProgress
}

/** Scans one in-memory source as if it were a file named `path`. Never throws on bad content. */
export function scanSource(source: ByteSource, path: string): FileReport {
  const {format, findings} = inspectSource(source, null, {name: path})
  return {path, format, size: source.size, verdict: judgeFindings(findings), findings}
}

/** Scans bytes in memory (used by tests and fuzzing). */
export function scanBuffer(buffer: Buffer, path = 'buffer'): FileReport {
  return scanSource(bufferSource(buffer), path)
}

/** Scans one file on disk, reading only what its format needs. An unopenable file becomes a finding. */
export function scanFile(path: string): FileReport {
  let source
  try {
    source = openFileSource(path)
  } catch (error) {
    const finding = makeFinding('FILE_UNREADABLE', `cannot read the file: ${describeError(error)}`)
    return {path, format: 'unknown', size: 0, verdict: 'malformed', findings: [finding]}
  }
  try {
    return scanSource(source, path)
  } finally {
    source.close()
  }
}

async function expandPaths(paths: string[], exclude: RegExp[]): Promise<string[]> {
  const files: string[] = []
  for (const path of paths) {
    let info
    try {
      info = await stat(path)
    } catch (error) {
      throw fsError(error, path)
    }
    if (info.isDirectory()) files.push(...(await listFiles(path, exclude)))
    else files.push(path)
  }
  return files
}

/**
 * Scans files and directories (recursively) for unsafe serialization and malformed headers,
 * statically: nothing is loaded, imported or executed. A path that does not exist or cannot be
 * listed throws an LlmsecError (exit 2); problems inside files are findings.
 */
export async function scanPaths(paths: string[], options: ScanOptions = {}): Promise<ScanResult> {
  const started = performance.now()
  const onProgress = options.onProgress ?? noProgress
  const exclude = (options.exclude ?? []).map(globToRegExp)
  const files = await expandPaths(paths, exclude)
  const reports: FileReport[] = []
  for (const [index, path] of files.entries()) {
    onProgress({phase: 'scanning', done: index, total: files.length, unit: 'files', detail: path})
    reports.push(scanFile(path))
    // Let the progress spinner draw between files; scanning itself is synchronous.
    if (index % 16 === 15) await yieldToLoop()
  }
  onProgress({phase: 'scanning', done: files.length, total: files.length, unit: 'files'})
  return {files: reports, summary: summarise(reports, Math.round(performance.now() - started))}
}
