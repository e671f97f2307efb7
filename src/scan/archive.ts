import {makeFinding} from './codes.js'
import {detectModelFormat, type ModelFormat} from './detect.js'
import {checkKerasJson} from './keras.js'
import {checkNpy, parseNpyHeader} from './numpy.js'
import type {ByteSource} from './source.js'
import type {ArchiveBudget, Finding, InspectOptions, Inspection, ScanFormat} from './scan.types.js'
import {listZip, openEntry, readEntryHead, type ZipEntry} from './zip.js'

/** Archives inside archives are followed this deep (a .npz in a zip in a zip is depth 2). */
const MAX_ARCHIVE_DEPTH = 3

type Inspect = (source: ByteSource, member: string | null, options: InspectOptions) => Inspection

const PICKLE_V0_FIRST = new Set([0x28, 0x63, 0x7d, 0x5d, 0x29, 0x4b, 0x49, 0x4a, 0x4c, 0x56, 0x53, 0x58, 0x69])

function zipKind(entries: ZipEntry[]): ScanFormat {
  const names = entries.map((e) => e.name)
  if (names.some((n) => n === 'data.pkl' || n.endsWith('/data.pkl'))) return 'pytorch-zip'
  if (names.includes('config.json') && names.some((n) => n === 'metadata.json' || n.endsWith('.weights.h5')))
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
  if (entry.name.endsWith('.pkl') || entry.name.endsWith('.npy')) return true
  if (head.length < 2) return false
  if (PICKLE_V0_FIRST.has(head[0]) && entry.size <= 64 * 1024) return true
  return OPENED.has(detectModelFormat(head, entry.size))
}

/** Work shared by every archive level of one file, so nested archives cannot multiply it. */
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
  if (typeof header === 'string')
    return header.includes('runs past') ? null : [makeFinding('NUMPY_BAD_HEADER', `.npy header: ${header}`, path)]
  return header.hasObjects ? null : checkNpy(view, header, path)
}

const join = (prefix: string | null, name: string) => (prefix ? `${prefix}!${name}` : name)

function inspectEntry(
  source: ByteSource,
  entry: ZipEntry,
  prefix: string | null,
  depth: number,
  kind: ScanFormat,
  inspect: Inspect,
  budget: ArchiveBudget,
): Finding[] {
  const path = join(prefix, entry.name)
  if (entry.flags & 1) return [makeFinding('ZIP_ENCRYPTED', 'member is encrypted and cannot be inspected', path)]
  if (entry.method !== 0 && entry.method !== 8)
    return [
      makeFinding('ZIP_UNSUPPORTED_METHOD', `member uses compression method ${entry.method}; not inspected`, path),
    ]
  const isConfig = kind === 'keras' && entry.name === 'config.json'
  // 64 bytes decide; only an .npy header earns a longer read. Tensor members cost one tiny read each.
  const head = isConfig ? Buffer.alloc(0) : readEntryHead(source, entry, 64)
  if (!isConfig && !worthOpening(head, entry)) return []
  const npy = checkNpyMember(isNpy(head) ? readEntryHead(source, entry, 64 * 1024) : head, entry, path)
  if (npy) return npy
  budget.members++
  if (entry.method === 8) budget.inflatedBytes += Math.max(0, entry.size)
  if (budget.inflatedBytes > ARCHIVE_BUDGET.inflatedBytes || budget.members > ARCHIVE_BUDGET.members)
    return [
      makeFinding('ZIP_BOMB', 'archives in this file expand beyond the scan budget (256 MiB or 100,000 members)', path),
    ]
  const opened = openEntry(source, entry)
  if ('code' in opened) return [{...opened, member: path}]
  if (isConfig) return checkKerasJson(opened.read(0, opened.size).toString('utf8'), path)
  const lenient = !entry.name.endsWith('.pkl') && !entry.name.endsWith('.npy')
  return inspect(opened, path, {name: entry.name, depth: depth + 1, lenient, budget}).findings
}

/**
 * Scans a zip (PyTorch checkpoint, .keras, .npz or any zip): checks its structure, then inspects every
 * member that could be a pickle or another model format, whatever its name — never tensor bytes.
 */
export function scanArchive(
  source: ByteSource,
  member: string | null,
  depth: number,
  inspect: Inspect,
  budget: ArchiveBudget = {inflatedBytes: 0, members: 0},
): Inspection {
  const listing = listZip(source)
  const findings = listing.findings.map((f) => ({...f, member: f.member ? join(member, f.member) : member}))
  const kind = listing.ok ? zipKind(listing.entries) : 'zip'
  if (!listing.ok) return {format: kind, findings}
  if (depth >= MAX_ARCHIVE_DEPTH) {
    findings.push(
      makeFinding('ARCHIVE_TOO_DEEP', `archive nested more than ${MAX_ARCHIVE_DEPTH} levels deep; not opened`, member),
    )
    return {format: kind, findings}
  }
  // Bombs and overlapping members: member data cannot be trusted, so nothing is inflated.
  if (listing.findings.some((f) => f.code === 'ZIP_BOMB' || f.code === 'ZIP_OVERLAPPING_ENTRIES'))
    return {format: kind, findings}
  for (const entry of listing.entries) {
    if (entry.dataStart < 0 || entry.name.endsWith('/')) continue
    const found = inspectEntry(source, entry, member, depth, kind, inspect, budget)
    findings.push(...found)
    if (found.some((f) => f.code === 'ZIP_BOMB')) break
  }
  return {format: kind, findings}
}
