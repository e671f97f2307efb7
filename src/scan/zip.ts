import {constants, crc32, inflateRawSync} from 'node:zlib'

import {makeFinding, type FindingCode} from './codes.js'
import {inflateRawInto} from './compressed.js'
import {ChunkSink, DecodeMemory, OutputTooLarge} from './decoded.js'
import {sliceSource, type ByteSource} from './source.js'
import type {Finding} from './scan.types.js'
import {append} from '../core/arrays.js'

/** Bounds for hostile archives. */
const ZIP_LIMITS = {
  maxEntries: 100_000,
  maxCentralDirectory: 64 * 1024 * 1024,
  /** The most we ever inflate into memory for one member (pickles, JSON, nested archives). */
  maxInflate: 64 * 1024 * 1024,
  /** A member whose declared size is this many times its compressed size is a bomb (above bombMinSize). */
  bombRatio: 200,
  bombMinSize: 16 * 1024 * 1024,
}

export interface ZipEntry {
  name: string
  method: number
  flags: number
  crc: number
  compressedSize: number
  size: number
  localOffset: number
  /** Where the member's bytes start (after the local header), or -1 when the local header is bad. */
  dataStart: number
}

export interface ZipListing {
  entries: ZipEntry[]
  findings: Finding[]
  /** False when the central directory could not be read at all. */
  ok: boolean
}

const SIG_EOCD = 0x06054b50
const SIG_ZIP64_LOCATOR = 0x07064b50
const SIG_ZIP64_EOCD = 0x06064b50
const SIG_CENTRAL = 0x02014b50
const SIG_LOCAL = 0x04034b50
const DESCRIPTOR_SIGNATURE = Buffer.from([0x50, 0x4b, 0x07, 0x08])
/** Signatures that may follow a member's data (and its descriptor). */
const NEXT_SIGNATURES = new Set([SIG_LOCAL, SIG_CENTRAL, SIG_EOCD, SIG_ZIP64_EOCD])

/** Thrown inside the parser and caught at its entry point; not an Error, so no stack is captured (fuzzing throws a lot). */
class ZipError {
  constructor(
    readonly code: FindingCode,
    readonly message: string,
  ) {}
}

function findEndRecord(source: ByteSource): {at: number; record: Buffer} | null {
  const tailLength = Math.min(source.size, 22 + 65_535)
  const tail = source.read(source.size - tailLength, tailLength)
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD) return {at: source.size - tailLength + i, record: tail.subarray(i, i + 22)}
  }
  return null
}

/** Whether the source ends with a zip end-of-central-directory record (Python's zipfile.is_zipfile). */
export function hasEndRecord(source: ByteSource): boolean {
  return source.size >= 22 && findEndRecord(source) !== null
}

interface DirectoryBounds {
  count: number
  offset: number
  size: number
  /** Bytes prepended before the zip (zipfile's "concat"): every stored offset is shifted by it. */
  shift: number
}

function readZip64Bounds(source: ByteSource, at: number): {count: number; size: number; offset: number} | null {
  if (at < 20 + 56) return null
  const locator = source.read(at - 20, 20)
  if (locator.length !== 20 || locator.readUInt32LE(0) !== SIG_ZIP64_LOCATOR) return null
  const zip64 = source.read(at - 20 - 56, 56)
  if (zip64.length < 56 || zip64.readUInt32LE(0) !== SIG_ZIP64_EOCD)
    throw new ZipError('ZIP_BAD_CENTRAL_DIRECTORY', 'zip64 end record is missing or corrupt')
  return {
    count: Number(zip64.readBigUInt64LE(32)),
    size: Number(zip64.readBigUInt64LE(40)),
    offset: Number(zip64.readBigUInt64LE(48)),
  }
}

/** The central directory's place (Lib/zipfile.py _EndRecData and _RealGetContents, prepended data included). */
function readDirectoryBounds(source: ByteSource): DirectoryBounds {
  const end = findEndRecord(source)
  if (!end)
    throw new ZipError('ZIP_NO_END_RECORD', 'zip has no end-of-central-directory record (truncated or not a zip)')
  const {at, record} = end
  let count = record.readUInt16LE(10)
  let size = record.readUInt32LE(12)
  let offset = record.readUInt32LE(16)
  let directoryEnd = at
  // Lib/zipfile.py _EndRecData64: a zip64 record (torch always writes one) sits between directory and end record.
  const zip64 = readZip64Bounds(source, at)
  if (zip64) {
    directoryEnd = at - 20 - 56
    if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) ({count, size, offset} = zip64)
  }
  const shift = Math.max(0, directoryEnd - size - offset)
  if (count > ZIP_LIMITS.maxEntries)
    throw new ZipError('ZIP_TOO_MANY_ENTRIES', `zip declares ${count} entries (limit ${ZIP_LIMITS.maxEntries})`)
  if (size > ZIP_LIMITS.maxCentralDirectory || offset + shift + size > source.size)
    throw new ZipError(
      'ZIP_BAD_CENTRAL_DIRECTORY',
      `zip central directory (${size} bytes at ${offset}) lies outside the file`,
    )
  return {count, offset: offset + shift, size, shift}
}

function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  for (let i = 0; i + 4 <= extra.length;) {
    const id = extra.readUInt16LE(i)
    const length = extra.readUInt16LE(i + 2)
    if (id === 0x0001) {
      let p = i + 4
      const next = () =>
        p + 8 <= i + 4 + length && p + 8 <= extra.length ? Number(extra.readBigUInt64LE((p += 8) - 8)) : -1
      if (entry.size === 0xffffffff) entry.size = next()
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next()
      if (entry.localOffset === 0xffffffff) entry.localOffset = next()
    }
    i += 4 + length
  }
}

function parseCentral(dir: Buffer, count: number, shift: number): ZipEntry[] {
  const entries: ZipEntry[] = []
  let p = 0
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== SIG_CENTRAL)
      throw new ZipError('ZIP_BAD_CENTRAL_DIRECTORY', `zip central directory entry ${i} is corrupt`)
    const nameLength = dir.readUInt16LE(p + 28)
    const extraLength = dir.readUInt16LE(p + 30)
    const commentLength = dir.readUInt16LE(p + 32)
    if (p + 46 + nameLength + extraLength + commentLength > dir.length)
      throw new ZipError('ZIP_BAD_CENTRAL_DIRECTORY', `zip central directory entry ${i} runs past the directory`)
    const entry: ZipEntry = {
      name: dir.toString('utf8', p + 46, p + 46 + nameLength),
      flags: dir.readUInt16LE(p + 8),
      method: dir.readUInt16LE(p + 10),
      crc: dir.readUInt32LE(p + 16),
      compressedSize: dir.readUInt32LE(p + 20),
      size: dir.readUInt32LE(p + 24),
      localOffset: dir.readUInt32LE(p + 42),
      dataStart: -1,
    }
    applyZip64Extra(entry, dir.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength))
    entry.localOffset += shift
    entries.push(entry)
    p += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

function checkLocal(source: ByteSource, entry: ZipEntry, directoryOffset: number): Finding | null {
  const header = source.read(entry.localOffset, 30)
  if (entry.localOffset < 0 || header.length < 30 || header.readUInt32LE(0) !== SIG_LOCAL)
    return makeFinding('ZIP_BAD_LOCAL_HEADER', `no local header at byte ${entry.localOffset}`, entry.name)
  const nameLength = header.readUInt16LE(26)
  const localName = source.read(entry.localOffset + 30, nameLength).toString('utf8')
  const dataStart = entry.localOffset + 30 + nameLength + header.readUInt16LE(28)
  if (entry.compressedSize < 0 || dataStart + entry.compressedSize > directoryOffset)
    return makeFinding(
      'ZIP_ENTRY_OUT_OF_BOUNDS',
      `member data (${entry.compressedSize} bytes at ${dataStart}) runs past the archive`,
      entry.name,
    )
  // The member is still inspected: loaders disagree on which name wins, and either may hold a payload.
  entry.dataStart = dataStart
  if (localName !== entry.name)
    return makeFinding(
      'ZIP_NAME_MISMATCH',
      `local header names "${localName}" but the central directory names "${entry.name}"`,
      entry.name,
    )
  return null
}

function checkStructure(entries: ZipEntry[]): Finding[] {
  const findings: Finding[] = []
  const seen = new Set<string>()
  for (const entry of entries) {
    if (seen.has(entry.name))
      findings.push(makeFinding('ZIP_DUPLICATE_NAME', `two members are named "${entry.name}"`, entry.name))
    seen.add(entry.name)
    if (
      entry.method === 8 &&
      entry.size >= ZIP_LIMITS.bombMinSize &&
      entry.size > entry.compressedSize * ZIP_LIMITS.bombRatio
    )
      findings.push(
        makeFinding(
          'ZIP_BOMB',
          `member inflates ${entry.compressedSize} bytes to ${entry.size} (ratio over ${ZIP_LIMITS.bombRatio})`,
          entry.name,
        ),
      )
  }
  const placed = entries.filter((e) => e.dataStart >= 0).sort((a, b) => a.localOffset - b.localOffset)
  for (let i = 1; i < placed.length; i++) {
    const previous = placed[i - 1]
    if (placed[i].localOffset < previous.dataStart + previous.compressedSize) {
      findings.push(
        makeFinding(
          'ZIP_OVERLAPPING_ENTRIES',
          `members "${previous.name}" and "${placed[i].name}" overlap (a zip bomb technique)`,
          placed[i].name,
        ),
      )
      break
    }
  }
  return findings
}

/**
 * The sizes of a member whose local header defers them to a data descriptor (flag bit 3, as torch
 * writes): the first descriptor signature after the data whose compressed size equals the distance,
 * which is how streaming readers find the end of a stored member. Null when none within the limit.
 */
function findDescriptor(
  source: ByteSource,
  dataStart: number,
): {compressedSize: number; size: number; crc: number} | null {
  const limit = Math.min(source.size, dataStart + ZIP_LIMITS.maxInflate + 24)
  const chunk = 1024 * 1024
  for (let at = dataStart; at < limit; at += chunk) {
    const window = source.read(at, Math.min(chunk + 23, limit - at))
    for (
      let i = window.indexOf(DESCRIPTOR_SIGNATURE);
      i >= 0 && i < chunk;
      i = window.indexOf(DESCRIPTOR_SIGNATURE, i + 1)
    ) {
      if (i + 16 > window.length) break
      const distance = at + i - dataStart
      if (window.readUInt32LE(i + 8) === distance)
        return {crc: window.readUInt32LE(i + 4), compressedSize: distance, size: window.readUInt32LE(i + 12)}
      if (i + 24 <= window.length && Number(window.readBigUInt64LE(i + 8)) === distance)
        return {crc: window.readUInt32LE(i + 4), compressedSize: distance, size: Number(window.readBigUInt64LE(i + 16))}
    }
  }
  return null
}

/** Where the next record starts after a member's data: past its data descriptor when it has one. */
function afterMember(source: ByteSource, entry: ZipEntry): number {
  const end = entry.dataStart + entry.compressedSize
  if ((entry.flags & 8) === 0) return end
  for (const length of [16, 24, 12, 20]) {
    const next = source.read(end + length, 4)
    if (next.length === 4 && NEXT_SIGNATURES.has(next.readUInt32LE(0))) return end + length
  }
  return -1
}

/** A member found by its local header alone: its sizes from the header (zip64 extra) or its descriptor. */
function readHiddenEntry(source: ByteSource, at: number, header: Buffer): ZipEntry | Finding {
  const nameLength = header.readUInt16LE(26)
  const extraLength = header.readUInt16LE(28)
  const entry: ZipEntry = {
    name: source.read(at + 30, nameLength).toString('utf8'),
    flags: header.readUInt16LE(6),
    method: header.readUInt16LE(8),
    crc: header.readUInt32LE(14),
    compressedSize: header.readUInt32LE(18),
    size: header.readUInt32LE(22),
    localOffset: at,
    dataStart: at + 30 + nameLength + extraLength,
  }
  applyZip64Extra(entry, source.read(at + 30 + nameLength, extraLength))
  if (entry.flags & 8 && entry.compressedSize === 0) {
    const sizes = findDescriptor(source, entry.dataStart)
    if (sizes) Object.assign(entry, sizes)
    else
      return makeFinding(
        'ZIP_HIDDEN_MEMBER_UNREAD',
        `a member outside the central directory at byte ${at} has no size a reader could find; not analysed`,
        entry.name,
      )
  }
  if (entry.dataStart + entry.compressedSize > source.size)
    return makeFinding(
      'ZIP_HIDDEN_MEMBER_UNREAD',
      `a member outside the central directory at byte ${at} runs past the file; not analysed`,
      entry.name,
    )
  return entry
}

/**
 * Members a front-to-back reader (a streaming unzip) finds by walking local headers from byte 0 that
 * the central directory does not list: a second archive before the one the end record names.
 */
function hiddenMembers(source: ByteSource, entries: ZipEntry[]): {hidden: ZipEntry[]; findings: Finding[]} {
  const hidden: ZipEntry[] = []
  const findings: Finding[] = []
  const known = new Map(entries.map((e) => [e.localOffset, e]))
  let at = 0
  for (let count = 0; count < ZIP_LIMITS.maxEntries && at >= 0; count++) {
    const header = source.read(at, 30)
    if (header.length < 30 || header.readUInt32LE(0) !== SIG_LOCAL) break
    let entry = known.get(at)
    if (!entry) {
      const found = readHiddenEntry(source, at, header)
      if ('code' in found) {
        findings.push(found)
        break
      }
      entry = found
      hidden.push(entry)
    }
    if (entry.dataStart < 0) break
    at = afterMember(source, entry)
  }
  if (hidden.length)
    findings.unshift(
      makeFinding(
        'ZIP_HIDDEN_MEMBER',
        `${hidden.length} members from byte ${hidden[0].localOffset} (${hidden
          .slice(0, 3)
          .map((e) => JSON.stringify(e.name.slice(0, 100)))
          .join(
            ', ',
          )}${hidden.length > 3 ? ', …' : ''}) are not in the central directory: an archive before the one the end record names, which front-to-back readers load; scanned too`,
      ),
    )
  return {hidden, findings}
}

/** Reads a zip's central directory and checks every local header against it. Never reads member data. */
export function listZip(source: ByteSource): ZipListing {
  try {
    const {count, offset, size, shift} = readDirectoryBounds(source)
    const entries = parseCentral(source.read(offset, size), count, shift)
    const findings: Finding[] = []
    for (const entry of entries) {
      const problem = checkLocal(source, entry, offset)
      if (problem) findings.push(problem)
    }
    append(findings, checkStructure(entries))
    const {hidden, findings: hiddenFindings} = hiddenMembers(source, entries)
    append(findings, hiddenFindings)
    return {entries: [...entries, ...hidden], findings, ok: true}
  } catch (error) {
    if (!(error instanceof ZipError)) throw error
    return {entries: [], findings: [makeFinding(error.code, error.message)], ok: false}
  }
}

function inflate(compressed: Buffer, maxOutput: number, partial: boolean): Buffer {
  return inflateRawSync(compressed, {
    maxOutputLength: maxOutput,
    finishFlush: partial ? constants.Z_SYNC_FLUSH : constants.Z_FINISH,
  })
}

function crcOf(source: ByteSource): number {
  let crc = 0
  for (let offset = 0; offset < source.size; offset += 1024 * 1024) crc = crc32(source.read(offset, 1024 * 1024), crc)
  return crc
}

/** Deflate expands at most 1032:1, so n input bytes bound the output of one attempt. */
const DEFLATE_MAX_RATIO = 1032

/**
 * The first `length` bytes of a member, inflating as little as it takes: growing input prefixes
 * (each bounding its own output), so a member that would inflate to gigabytes costs kilobytes.
 */
export function readEntryHead(source: ByteSource, entry: ZipEntry, length: number): Buffer {
  if (entry.dataStart < 0) return Buffer.alloc(0)
  if (entry.method === 0) return source.read(entry.dataStart, Math.min(length, entry.compressedSize))
  if (entry.method !== 8) return Buffer.alloc(0)
  const limit = Math.min(entry.compressedSize, Math.max(4096, length * 2))
  let out: Buffer = Buffer.alloc(0)
  for (let input = Math.min(limit, Math.max(16, length >> 4)); ; input = Math.min(limit, input * 4)) {
    try {
      const prefix = source.read(entry.dataStart, input)
      out = inflate(prefix, input * DEFLATE_MAX_RATIO + 1024, true)
    } catch {
      return out.subarray(0, length)
    }
    if (out.length >= length || input >= limit) return out.subarray(0, length)
  }
}

/** A member opened for inspection, with what is wrong with it (the bytes are inspected all the same). */
export interface OpenedEntry {
  source: ByteSource
  problems: Finding[]
  /** Gives the inflated bytes' memory back to the file's decode memory once they have been inspected. */
  release(): void
}

const crcMismatch = (entry: ZipEntry) =>
  makeFinding('ZIP_CRC_MISMATCH', 'member bytes do not match the CRC-32 in the central directory', entry.name)

/**
 * A member's bytes as a source: stored members are a window on the archive (nothing is read);
 * deflated ones are inflated up to ZIP_LIMITS.maxInflate. A CRC mismatch is reported but the bytes
 * are still inspected: a loader that does not check CRCs would run them.
 */
export function openEntry(
  source: ByteSource,
  entry: ZipEntry,
  memory: DecodeMemory = new DecodeMemory(),
): OpenedEntry | Finding {
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size)
      return makeFinding(
        'ZIP_SIZE_MISMATCH',
        `stored member declares ${entry.size} bytes but holds ${entry.compressedSize}`,
        entry.name,
      )
    const window = sliceSource(source, entry.dataStart, entry.size)
    const problems = entry.size <= ZIP_LIMITS.maxInflate && crcOf(window) !== entry.crc ? [crcMismatch(entry)] : []
    return {source: window, problems, release: () => {}}
  }
  if (entry.size > ZIP_LIMITS.maxInflate || entry.compressedSize > ZIP_LIMITS.maxInflate)
    return makeFinding(
      'ZIP_MEMBER_TOO_LARGE',
      `member inflates to ${entry.size} bytes, over the ${ZIP_LIMITS.maxInflate}-byte inspection limit`,
      entry.name,
    )
  // Streamed into chunks of the file's decode memory: never held twice, never read whole.
  const sink = new ChunkSink(memory, entry.size + 1)
  let error: string | null
  try {
    error = inflateRawInto(sliceSource(source, entry.dataStart, entry.compressedSize), sink)
  } catch (thrown) {
    sink.release()
    if (!(thrown instanceof OutputTooLarge)) throw thrown
    return thrown.memory
      ? makeFinding('ZIP_MEMBER_TOO_LARGE', `member needs ${thrown.message}; not inspected`, entry.name)
      : makeFinding('ZIP_SIZE_MISMATCH', `member inflates beyond its declared ${entry.size} bytes`, entry.name)
  }
  if (error !== null) {
    sink.release()
    return makeFinding('ZIP_CORRUPT_DATA', `member's deflate data is corrupt`, entry.name)
  }
  const data = sink.source()
  const problems: Finding[] = []
  if (data.size !== entry.size)
    problems.push(
      makeFinding(
        'ZIP_SIZE_MISMATCH',
        `member inflates to ${data.size} bytes, not the declared ${entry.size}`,
        entry.name,
      ),
    )
  if (crcOf(data) !== entry.crc) problems.push(crcMismatch(entry))
  return {source: data, problems, release: () => sink.release()}
}
