import {realpathSync, statSync} from 'node:fs'
import {isAbsolute, normalize, posix, sep, win32} from 'node:path'

import {makeFinding, type FindingCode} from './codes.js'
import type {Finding} from './scan.types.js'

/** One TensorProto's `external_data` entries (every value, in order: readers differ on duplicates). */
export interface ExternalRef {
  tensor: string
  locations: string[]
  offsets: string[]
  lengths: string[]
}

/** Longest location read in full: past it the kernel refuses the path (PATH_MAX). */
export const MAX_LOCATION_BYTES = 4096
/** Distinct problems reported per file; a model can hold millions of tensors pointing at one file. */
const MAX_FINDINGS = 50

const show = (text: string) => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)

/**
 * Why a location leaves the model directory by its spelling alone, or null. Readers differ:
 * onnxruntime joins the location to the model's directory as written (backslashes are separators on
 * Windows), onnx 1.12's Python loader first strips leading '/' and '.' (`_sanitize_path`) but keeps
 * inner `..`. A location is judged by every one of those readings.
 */
function lexicalEscape(location: string): string | null {
  if (location.includes('\0')) return 'a NUL byte (C++ readers stop at it, others do not: readers disagree on the name)'
  if (isAbsolute(location) || posix.isAbsolute(location)) return 'an absolute path'
  if (win32.isAbsolute(location) || /^[a-zA-Z]:/.test(location)) return 'a Windows drive or UNC path'
  const normalised = normalize(location.replaceAll('\\', '/'))
  if (normalised === '..' || normalised.startsWith('../')) return '`..` segments'
  return null
}

/** Whether an external-data location leaves the model's directory by its spelling (kept for the unit tests' table). */
export const escapesModelDir = (location: string) => location === '' || lexicalEscape(location) !== null

/** The paths the loaders open for a location: as written (onnxruntime) and as onnx's Python loader sanitises it. */
const readings = (location: string) => [...new Set([location, location.replace(/^[/.]+/, '')])]

interface Problem {
  code: FindingCode
  why: string
}

const problem = (code: FindingCode, why: string): Problem => ({code, why})

/** Where the data file really is: the kernel's resolution (realpath(3), symlinks before `..`), not a lexical join. */
function resolveOnDisk(directory: string, location: string): Problem | {size: number} {
  let base: string
  let real: string
  try {
    base = realpathSync.native(directory)
    real = realpathSync.native(`${directory}${sep}${location}`)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return problem('ONNX_EXTERNAL_DATA_MISSING', `is not in the model directory, so its bounds were not checked`)
    return problem('ONNX_EXTERNAL_DATA_MISSING', `could not be resolved (${code})`)
  }
  if (real !== base && !real.startsWith(base.endsWith(sep) ? base : base + sep))
    return problem(
      'ONNX_EXTERNAL_DATA_ESCAPE',
      `resolves through a symbolic link to ${show(real)}, outside the model directory`,
    )
  const info = statSync(real)
  if (!info.isFile()) return problem('ONNX_EXTERNAL_DATA_INVALID', 'is not a regular file')
  return {size: info.size}
}

/** onnx's ExternalDataInfo reads `offset` and `length` with int(); onnxruntime wants plain digits. */
function checkBounds(ref: ExternalRef, size: number): Problem | null {
  for (const [key, values] of [
    ['offset', ref.offsets],
    ['length', ref.lengths],
  ] as const)
    for (const value of values)
      if (!/^\d{1,20}$/.test(value))
        return problem('ONNX_EXTERNAL_DATA_INVALID', `has ${key} ${show(value)}, not a byte count`)
  const fileSize = BigInt(size)
  for (const offset of ref.offsets.length ? ref.offsets : ['0']) {
    if (BigInt(offset) > fileSize)
      return problem('ONNX_EXTERNAL_DATA_OUT_OF_BOUNDS', `has offset ${offset}, past the end of the ${size}-byte file`)
    for (const length of ref.lengths)
      if (BigInt(offset) + BigInt(length) > fileSize)
        return problem(
          'ONNX_EXTERNAL_DATA_OUT_OF_BOUNDS',
          `has offset ${offset} + length ${length}, past the end of the ${size}-byte file`,
        )
  }
  return null
}

function judgeLocation(ref: ExternalRef, location: string, directory: string | null): Problem | null {
  if (location === '') return problem('ONNX_EXTERNAL_DATA_INVALID', 'has an empty location')
  if (Buffer.byteLength(location) > MAX_LOCATION_BYTES)
    return problem('ONNX_EXTERNAL_DATA_INVALID', `has a location longer than ${MAX_LOCATION_BYTES} bytes`)
  const lexical = lexicalEscape(location)
  if (lexical) return problem('ONNX_EXTERNAL_DATA_ESCAPE', `leaves the model directory through ${lexical}`)
  if (directory === null) return null // inside an archive: nothing on disk to resolve against
  for (const reading of readings(location)) {
    const found = resolveOnDisk(directory, reading)
    if ('code' in found) return found
    const bounds = checkBounds(ref, found.size)
    if (bounds) return bounds
  }
  return null
}

/**
 * Resolves every external-data reference of an ONNX model against the model's directory
 * (onnx/external_data_helper.py, onnxruntime's external data loader): a location that leaves the
 * directory (absolute, `..`, a symbolic link out) is unsafe; one that is missing is unknown; offsets
 * and lengths past the file, or not integers, are malformed.
 */
export function judgeExternalData(refs: ExternalRef[], directory: string | null, member: string | null): Finding[] {
  const findings: Finding[] = []
  const seen = new Set<string>()
  let more = 0
  for (const ref of refs) {
    const problems = ref.locations.length
      ? ref.locations.map((location) => [location, judgeLocation(ref, location, directory)] as const)
      : [['', problem('ONNX_EXTERNAL_DATA_INVALID', 'has no location entry')] as const]
    for (const [location, found] of problems) {
      if (!found) continue
      const key = `${found.code}\0${location}\0${found.why}`
      if (seen.has(key)) continue
      seen.add(key)
      if (findings.length >= MAX_FINDINGS) {
        more++
        continue
      }
      const message = `tensor ${show(ref.tensor)}: external data ${show(location)} ${found.why}`
      findings.push(makeFinding(found.code, message, member))
    }
  }
  if (more) findings[findings.length - 1].message += ` (and ${more} more external-data problems not listed)`
  return findings
}
