import {statSync} from 'node:fs'
import {dirname} from 'node:path'

import {describeError} from '../core/errors.js'
import type {FileBytes} from '../core/root-fs.js'
import {unreadable} from '../core/root-path.js'
import {makeFinding} from './codes.js'
import {inspectSource} from './inspect.js'
import {bufferSource, descriptorRangeSource, openFileSource, type ByteSource} from './source.js'
import type {FileReport, GlobalPolicy} from './scan.types.js'
import {judgeFindings} from './verdict.js'

export interface FileScanOptions {
  /** Extra "module.name" globals to allow (--allow-global, scan.allowGlobals). */
  allowGlobals?: Iterable<string>
  /** The user named this file: content no format claims is `unknown` rather than "not a model". */
  explicit?: boolean
}

const policyOf = (options: FileScanOptions): GlobalPolicy => ({allow: new Set(options.allowGlobals ?? [])})

/** Builds the report of one file from its findings. */
export function fileReport(
  path: string,
  size: number,
  format: FileReport['format'],
  findings: FileReport['findings'],
  allowed: string[] = [],
): FileReport {
  return {path, format, size, verdict: judgeFindings(findings), findings, allowed}
}

/**
 * Scans one in-memory source as if it were a file named `path`. Never throws on bad content: an
 * exception from a parser is a bug in llmsec, reported as SCAN_INTERNAL_ERROR (the file is `unknown`).
 */
export function scanSource(
  source: ByteSource,
  path: string,
  options: FileScanOptions = {},
  directory: string | null = null,
): FileReport {
  const allowed = new Set<string>()
  try {
    const {format, findings} = inspectSource(source, null, {
      name: path,
      explicit: options.explicit ?? true,
      policy: policyOf(options),
      allowed,
      directory,
    })
    return fileReport(path, source.size, format, findings, [...allowed].sort())
  } catch (error) {
    if (isReadError(error)) throw error
    const finding = makeFinding(
      'SCAN_INTERNAL_ERROR',
      `llmsec failed on this file (a bug; please report it): ${describeError(error)}`,
    )
    return fileReport(path, source.size, 'unknown', [finding])
  }
}

/** An operating-system read error (an errno from a syscall), as opposed to a bug. */
const isReadError = (error: unknown) => typeof (error as NodeJS.ErrnoException)?.syscall === 'string'

/** Scans bytes in memory (used by tests and fuzzing). */
export function scanBuffer(buffer: Buffer, path = 'buffer', options: FileScanOptions = {}): FileReport {
  return scanSource(bufferSource(buffer), path, options)
}

/**
 * A file that cannot be opened is `unknown`, never malformed: its bytes were not seen. The message
 * names the errno and what to do.
 */
export function unreadableReport(path: string, error: unknown): FileReport {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
  const reason = unreadable(path, code).reason
  const hint = code === 'EACCES' || code === 'EPERM' ? '; run llmsec as root or grant it read access' : ''
  return fileReport(path, 0, 'unknown', [makeFinding('FILE_UNREADABLE', `cannot read the file: ${reason}${hint}`)])
}

/** Scans one file on disk, in this thread, reading only what its format needs. */
export function scanFile(path: string, options: FileScanOptions = {}): FileReport {
  let source
  try {
    if (!statSync(path).isFile())
      return unreadableReport(path, Object.assign(new Error('not a file'), {code: 'EFTYPE'}))
    source = openFileSource(path)
  } catch (error) {
    return unreadableReport(path, error)
  }
  try {
    return scanSource(source, path, options, dirname(path))
  } catch (error) {
    // Reads happen lazily: an I/O error in the middle of a file is still "not read", not a bug.
    return unreadableReport(path, error)
  } finally {
    source.close()
  }
}

/**
 * Scans a file of an inspected system by where its bytes are (an image member read in place, or
 * bytes in memory), named `path` (its path inside that system), in this thread.
 */
export function scanBytes(bytes: FileBytes, path: string, options: FileScanOptions = {}): FileReport {
  const source =
    'data' in bytes
      ? bufferSource(Buffer.from(bytes.data.buffer, bytes.data.byteOffset, bytes.data.byteLength))
      : descriptorRangeSource(bytes.fd, bytes.offset, bytes.size)
  try {
    // No directory: an ONNX file's external data is not looked up beside it (that finding says so).
    return scanSource(source, path, options, null)
  } catch (error) {
    return unreadableReport(path, error)
  }
}
