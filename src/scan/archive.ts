import {makeFinding} from './codes.js'
import type {InspectOptions, Inspection} from './inspect.js'
import {checkKerasJson} from './keras.js'
import type {ByteSource} from './source.js'
import type {Finding, ScanFormat} from './types.js'
import {listZip, openEntry, readEntryHead, type ZipEntry} from './zip.js'

/** Archives inside archives are followed this deep (a .npz in a zip in a zip is depth 2). */
export const MAX_ARCHIVE_DEPTH = 3

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

/** Whether a member's first bytes could start something we inspect (pickle, archive, header format). */
function worthOpening(head: Buffer, entry: ZipEntry): boolean {
  if (entry.name.endsWith('.pkl') || entry.name.endsWith('.npy')) return true
  if (head.length < 4) return false
  if (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) return true
  if (PICKLE_V0_FIRST.has(head[0]) && entry.size <= 64 * 1024) return true
  const magic = head.toString('latin1', 0, 4)
  if (magic === 'PK\x03\x04' || magic === 'PK\x05\x06' || magic === 'GGUF' || magic === '\x93NUM') return true
  return head.length >= 9 && head[8] === 0x7b && head.readBigUInt64LE(0) < BigInt(entry.size)
}

const join = (prefix: string | null, name: string) => (prefix ? `${prefix}!${name}` : name)

function inspectEntry(
  source: ByteSource,
  entry: ZipEntry,
  prefix: string | null,
  depth: number,
  kind: ScanFormat,
  inspect: Inspect,
): Finding[] {
  const path = join(prefix, entry.name)
  if (entry.flags & 1) return [makeFinding('ZIP_ENCRYPTED', 'member is encrypted and cannot be inspected', path)]
  if (entry.method !== 0 && entry.method !== 8)
    return [
      makeFinding('ZIP_UNSUPPORTED_METHOD', `member uses compression method ${entry.method}; not inspected`, path),
    ]
  const isConfig = kind === 'keras' && entry.name === 'config.json'
  if (!isConfig && !worthOpening(readEntryHead(source, entry, 16), entry)) return []
  const opened = openEntry(source, entry)
  if ('code' in opened) return [{...opened, member: path}]
  if (isConfig) return checkKerasJson(opened.read(0, opened.size).toString('utf8'), path)
  const lenient = !entry.name.endsWith('.pkl') && !entry.name.endsWith('.npy')
  return inspect(opened, path, {name: entry.name, depth: depth + 1, lenient}).findings
}

/**
 * Scans a zip (PyTorch checkpoint, .keras, .npz or any zip): checks its structure, then inspects every
 * member that could be a pickle or another model format, whatever its name — never tensor bytes.
 */
export function scanArchive(source: ByteSource, member: string | null, depth: number, inspect: Inspect): Inspection {
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
    findings.push(...inspectEntry(source, entry, member, depth, kind, inspect))
  }
  return {format: kind, findings}
}
