import {DecodeMemory} from './decoded.js'
import {makeFinding} from './codes.js'
import {detectModelFormat, type ModelFormat} from './detect.js'
import {checkKerasJson} from './keras.js'
import {checkNpy, headerFinding, isHeaderError, parseNpyHeader} from './numpy.js'
import type {Inspect} from './pickle-stream.js'
import {hasModelExtension, sniffContainer} from './sniff.js'
import type {ByteSource} from './source.js'
import type {ArchiveBudget, Finding, InspectOptions, Inspection, ScanFormat} from './scan.types.js'
import {listZip, openEntry, readEntryHead, type OpenedEntry, type ZipEntry} from './zip.js'
import {append} from '../core/arrays.js'

/** Archives inside archives are followed this deep (a .npz in a zip in a zip is depth 2). */
const MAX_ARCHIVE_DEPTH = 3

const PICKLE_V0_FIRST = new Set([0x28, 0x63, 0x7d, 0x5d, 0x29, 0x4b, 0x49, 0x4a, 0x4c, 0x56, 0x53, 0x58, 0x69, 0x4e])

/** Keras 3 writes config.json (metadata.json is optional to its loader); torch writes …/data.pkl. */
function zipKind(entries: ZipEntry[]): ScanFormat {
  const names = entries.map((e) => e.name)
  if (names.some((n) => n === 'data.pkl' || n.endsWith('/data.pkl'))) return 'pytorch-zip'
  if (
    names.includes('config.json') &&
    names.some((n) => n === 'metadata.json' || n.endsWith('.weights.h5') || n.endsWith('.h5'))
  )
    return 'keras'
  if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) return 'npz'
  return 'zip'
}

/** Formats worth opening inside an archive. HDF5 (Keras weights) and ONNX members are not: only tensors. */
const OPENED: ReadonlySet<ModelFormat> = new Set([
  'pickle',
  'pytorch-zip',
  'keras',
  'npz',
  'zip',
  'numpy',
  'gguf',
  'safetensors',
])

/** Whether a member's first bytes could start something we inspect (pickle, archive, header format). */
function worthOpening(head: Buffer, entry: ZipEntry): boolean {
  if (/\.(pkl|pickle|npy|json)$/i.test(entry.name)) return true
  if (head.length < 2) return false
  if (PICKLE_V0_FIRST.has(head[0]) && entry.size <= 64 * 1024) return true
  if (sniffContainer(head) !== null) return true
  return OPENED.has(detectModelFormat(head, entry.size))
}

export const ARCHIVE_BUDGET = {inflatedBytes: 256 * 1024 * 1024, members: 100_000}

/**
 * A .npy member is judged from its head alone unless it holds objects (a pickle): its header gives the
 * expected data size, compared with the member's declared size, so numeric arrays are never inflated.
 */
const isNpy = (head: Buffer) => head.toString('latin1', 0, 6) === '\x93NUMPY'

function checkNpyMember(head: Buffer, entry: ZipEntry, path: string): Finding[] | null {
  if (!isNpy(head)) return null
  const view: ByteSource = {size: entry.size, read: (offset, length) => head.subarray(offset, offset + length)}
  const header = parseNpyHeader(view)
  if (isHeaderError(header)) return header.message.includes('runs past') ? null : [headerFinding(header, path)]
  return header.hasObjects ? null : checkNpy(view, header, path)
}

const join = (prefix: string | null, name: string) => (prefix ? `${prefix}!${name}` : name)

interface ArchiveContext {
  source: ByteSource
  prefix: string | null
  kind: ScanFormat
  options: InspectOptions
  budget: ArchiveBudget
  memory: DecodeMemory
  inspect: Inspect
}

/** Flags a loader refuses or may ignore: bit 0 encryption, bit 6 strong encryption, bit 5 patched data. */
function flagProblem(entry: ZipEntry, path: string): Finding | null {
  if (entry.flags & 0x41)
    return makeFinding('ZIP_ENCRYPTED', 'member is marked encrypted; it could not be fully inspected', path)
  if (entry.flags & 0x20)
    return makeFinding('ZIP_UNSUPPORTED_METHOD', 'member is marked as patched data; not inspected', path)
  return null
}

function inspectEntry(ctx: ArchiveContext, entry: ZipEntry): Finding[] {
  const path = join(ctx.prefix, entry.name)
  const flagged = flagProblem(entry, path)
  if (entry.method !== 0 && entry.method !== 8)
    return [
      makeFinding('ZIP_UNSUPPORTED_METHOD', `member uses compression method ${entry.method}; not inspected`, path),
    ]
  const isConfig = entry.name === 'config.json' && (ctx.kind === 'keras' || /\.keras$/i.test(ctx.options.name ?? ''))
  // 64 bytes decide; only an .npy header earns a longer read. Tensor members cost one tiny read each.
  const head = isConfig ? Buffer.alloc(0) : readEntryHead(ctx.source, entry, 64)
  if (!isConfig && !worthOpening(head, entry)) return flagged ? [flagged] : []
  const npy = checkNpyMember(isNpy(head) ? readEntryHead(ctx.source, entry, 64 * 1024) : head, entry, path)
  if (npy) return flagged ? [flagged, ...npy] : npy
  ctx.budget.members++
  if (entry.method === 8) ctx.budget.inflatedBytes += Math.max(0, entry.size)
  if (ctx.budget.inflatedBytes > ARCHIVE_BUDGET.inflatedBytes || ctx.budget.members > ARCHIVE_BUDGET.members)
    return [
      makeFinding('ZIP_BOMB', 'archives in this file expand beyond the scan budget (256 MiB or 100,000 members)', path),
    ]
  const opened = openEntry(ctx.source, entry, ctx.memory)
  if ('code' in opened) return [...(flagged ? [flagged] : []), {...opened, member: path}]
  try {
    return [...(flagged ? [flagged] : []), ...inspectOpened(ctx, entry, path, opened, isConfig)]
  } finally {
    opened.release()
  }
}

/** Judges an opened member: Keras config JSON, or whatever format its bytes are. */
function inspectOpened(
  ctx: ArchiveContext,
  entry: ZipEntry,
  path: string,
  opened: OpenedEntry,
  isConfig: boolean,
): Finding[] {
  const problems: Finding[] = opened.problems.map((f) => ({...f, member: path}))
  if (isConfig)
    return [
      ...problems,
      ...checkKerasJson(opened.source.read(0, opened.source.size).toString('utf8'), path, ctx.options),
    ]
  const lenient = !/\.(pkl|pickle|npy)$/i.test(entry.name) && !hasModelExtension(entry.name)
  const depth = (ctx.options.depth ?? 0) + 1
  const found = ctx.inspect(opened.source, path, {...ctx.options, name: entry.name, depth, lenient, explicit: false})
  // A member the loader may read differently (its CRC is wrong) and that we did not judge is unknown.
  const uninspected = found.format === 'unknown' && problems.some((p) => p.code === 'ZIP_CRC_MISMATCH')
  if (uninspected)
    problems.push(
      makeFinding(
        'ZIP_UNINSPECTED_CRC_MISMATCH',
        'a member with a wrong CRC was not recognised, so not analysed',
        path,
      ),
    )
  return [...problems, ...found.findings]
}

/**
 * Scans a zip (PyTorch checkpoint, .keras, .npz or any zip): checks its structure, then inspects every
 * member that could be a pickle or another model format, whatever its name — never tensor bytes.
 */
export function scanArchive(
  source: ByteSource,
  member: string | null,
  options: InspectOptions,
  inspect: Inspect,
): Inspection {
  const listing = listZip(source)
  const findings = listing.findings.map((f) => ({...f, member: f.member ? join(member, f.member) : member}))
  const kind = listing.ok ? zipKind(listing.entries) : 'zip'
  if (!listing.ok) return {format: kind, findings}
  const depth = options.depth ?? 0
  if (depth >= MAX_ARCHIVE_DEPTH) {
    findings.push(
      makeFinding('ARCHIVE_TOO_DEEP', `archive nested more than ${MAX_ARCHIVE_DEPTH} levels deep; not opened`, member),
    )
    return {format: kind, findings}
  }
  // Bombs and overlapping members: member data cannot be trusted, so nothing is inflated.
  if (listing.findings.some((f) => f.code === 'ZIP_BOMB' || f.code === 'ZIP_OVERLAPPING_ENTRIES'))
    return {format: kind, findings}
  const budget = options.budget ?? {inflatedBytes: 0, members: 0}
  const memory = options.memory ?? new DecodeMemory()
  const ctx: ArchiveContext = {
    source,
    prefix: member,
    kind,
    options: {...options, budget, memory, directory: null},
    budget,
    memory,
    inspect,
  }
  for (const entry of listing.entries) {
    if (entry.dataStart < 0 || entry.name.endsWith('/')) continue
    const found = inspectEntry(ctx, entry)
    append(findings, found)
    if (found.some((f) => f.code === 'ZIP_BOMB')) break
  }
  if (/\.keras$/i.test(options.name ?? '') && !listing.entries.some((e) => e.name === 'config.json'))
    findings.push(makeFinding('KERAS_BAD_CONFIG', 'a .keras archive without config.json', member))
  return {format: kind, findings}
}
