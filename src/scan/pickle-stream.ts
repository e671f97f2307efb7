import {makeFinding} from './codes.js'
import {walkPickle} from './pickle.js'
import type {ByteSource} from './source.js'
import type {Finding, ScanFormat} from './scan.types.js'

/** The first pickle of a legacy torch.save file: LONG1 0x1950a86a20f9469cfc6c, the magic number. */
const TORCH_LEGACY_MAGIC = Buffer.from('80028a0a6cfc9c46f9206aa85019', 'hex')
const MAX_PICKLES = 64

const withMember = (findings: Finding[], member: string | null, index: number) =>
  findings.map((f) => ({...f, member, message: index > 0 ? `pickle #${index + 1}: ${f.message}` : f.message}))

/**
 * Scans a pickle file, following it with any further pickles: legacy torch files are a sequence
 * (magic, protocol, sys_info, the model, storage keys) followed by raw storage bytes, and a payload
 * can sit in any of them. Stops at the first bytes that are not a pickle.
 */
export function scanPickleStream(
  source: ByteSource,
  member: string | null,
  lenient: boolean,
): {format: ScanFormat; findings: Finding[]} {
  const legacy = source.read(0, TORCH_LEGACY_MAGIC.length).equals(TORCH_LEGACY_MAGIC)
  const first = walkPickle(source, 0)
  if (lenient && !first.complete && first.globals.length === 0) return {format: 'unknown', findings: []}
  const findings = withMember(first.findings, member, 0)
  const globals = new Set(first.globals)
  let pos = first.end
  let complete = first.complete
  for (let index = 1; complete && pos < source.size && index < MAX_PICKLES; index++) {
    if (source.read(pos, 1)[0] !== 0x80) break
    const next = walkPickle(source, pos)
    // Legacy storage bytes can begin with 0x80 by chance: a failed walk that imports nothing is data.
    if (!next.complete && next.globals.length === 0) break
    findings.push(...withMember(next.findings, member, index))
    next.globals.forEach((g) => globals.add(g))
    pos = next.end
    complete = next.complete
  }
  const joblib = [...globals].some((g) => g.startsWith('joblib.'))
  if (complete && pos < source.size && !legacy && !lenient)
    findings.push(makeFinding('PICKLE_TRAILING_DATA', `${source.size - pos} bytes follow the last pickle`, member))
  return {format: legacy ? 'pytorch-legacy' : joblib ? 'joblib' : 'pickle', findings}
}
