import {makeFinding} from './codes.js'
import {MAX_DECOMPRESSED} from './compressed.js'
import {DecodeMemory} from './decoded.js'
import {decodeWith7zip} from './decode-sync.js'
import type {Inspect} from './pickle-stream.js'
import {hasModelExtension} from './sniff.js'
import {sliceSource, type ByteSource} from './source.js'
import type {Finding, InspectOptions, Inspection} from './scan.types.js'
import {append} from '../core/arrays.js'

/** Members of one 7z archive past which it is not opened (the zip reader's member budget). */
const MAX_MEMBERS = 10_000

const join = (prefix: string | null, name: string) => (prefix ? `${prefix}!${name}` : name)

/**
 * A 7z archive (picklescan reads them with py7zr): 7-Zip lists and extracts it in memory on the decoder
 * thread, within the decompression limit, and every member is inspected as a zip member would be.
 * Encrypted, damaged or oversized archives are `unknown`: their members were not seen.
 */
export function scanSevenZip(
  source: ByteSource,
  member: string | null,
  options: InspectOptions,
  inspect: Inspect,
): Inspection {
  const unread = (code: 'COMPRESSION_TOO_LARGE' | 'ZIP_ENCRYPTED' | 'COMPRESSION_NOT_READ', why: string) => ({
    format: '7z' as const,
    findings: [makeFinding(code, why, member)],
  })
  if (source.size > MAX_DECOMPRESSED)
    return unread('COMPRESSION_TOO_LARGE', 'the 7z archive is larger than the scan limit; not opened')
  const memory = options.memory ?? new DecodeMemory()
  const reply = decodeWith7zip('7z', source, memory, MAX_DECOMPRESSED, MAX_MEMBERS)
  if ('problem' in reply) {
    if (reply.problem === 'too-large')
      return unread('COMPRESSION_TOO_LARGE', `the 7z archive expands past the scan limit (${reply.detail}); not opened`)
    if (reply.problem === 'encrypted')
      return unread('ZIP_ENCRYPTED', `the 7z archive is encrypted (${reply.detail}); its members were not seen`)
    return unread('COMPRESSION_NOT_READ', `7-Zip could not read the archive (${reply.detail}); not analysed`)
  }
  const findings: Finding[] = []
  const depth = (options.depth ?? 0) + 1
  const output = reply.sink.source()
  try {
    for (const entry of reply.members) {
      const path = join(member, entry.name)
      const lenient = !/\.(pkl|pickle|npy)$/i.test(entry.name) && !hasModelExtension(entry.name)
      const found = inspect(sliceSource(output, entry.offset, entry.size), path, {
        ...options,
        memory,
        name: entry.name,
        depth,
        lenient,
        explicit: false,
        directory: null,
      })
      append(findings, found.findings)
    }
  } finally {
    reply.sink.release()
  }
  return {format: '7z', findings}
}
