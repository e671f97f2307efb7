import {kindOf, makeFinding} from './codes.js'
import {walkPickle, type PickleWalk} from './pickle.js'
import {judgeGlobals} from './pickle-judge.js'
import type {ByteSource} from './source.js'
import type {Finding, InspectOptions, Inspection, ScanFormat} from './scan.types.js'

/** torch/serialization.py MAGIC_NUMBER: what the first pickle of a legacy torch.save file holds. */
const TORCH_MAGIC = 0x1950a86a20f9469cfc6cn
/** _legacy_load reads magic, protocol version, sys_info, the object, then the storage keys. */
const LEGACY_PICKLES = 5
/** Pickles following a non-legacy one are walked while they parse, up to this many. */
const MAX_PICKLES = 64
const MAX_NESTED_DEPTH = 4

export type Inspect = (source: ByteSource, member: string | null, options: InspectOptions) => Inspection

const withMember = (findings: Finding[], member: string | null, index: number) =>
  findings.map((f) => ({
    ...f,
    member: f.member ?? member,
    message: index > 0 ? `pickle #${index + 1}: ${f.message}` : f.message,
  }))

const isMagic = (walk: PickleWalk) => walk.result?.t === 'int' && walk.result.n === TORCH_MAGIC

/**
 * The pickles a loader runs from this source. torch.load on a non-zip file (_legacy_load) runs the
 * first pickle before it checks the magic number, then four more whatever their first byte; other
 * loaders run the first. Pickles after the first are walked while they parse, so a payload in a
 * later one is found too; bytes that do not parse are data (legacy storages), not code.
 */
function walkSequence(source: ByteSource): {walks: PickleWalk[]; legacy: boolean} {
  const first = walkPickle(source, 0)
  const walks = [first]
  const legacy = first.complete && isMagic(first)
  let pos = first.end
  while (
    walks[walks.length - 1].complete &&
    pos < source.size &&
    walks.length < (legacy ? LEGACY_PICKLES : MAX_PICKLES)
  ) {
    const next = walkPickle(source, pos)
    // In a legacy file pickles 2–5 must all be there; elsewhere a walk that fails and imports nothing is data.
    if (!next.complete && next.globals.length === 0 && !legacy) break
    walks.push(next)
    pos = next.end
  }
  return {walks, legacy}
}

function inspectNested(
  walks: PickleWalk[],
  member: string | null,
  options: InspectOptions,
  inspect: Inspect,
): Finding[] {
  const nested = walks.flatMap((w) => w.nested)
  if (nested.length === 0) return []
  const depth = (options.depth ?? 0) + 1
  if (depth > MAX_NESTED_DEPTH)
    return [
      makeFinding(
        'ARCHIVE_TOO_DEEP',
        `nested torch files go deeper than ${MAX_NESTED_DEPTH} levels; not opened`,
        member,
      ),
    ]
  return nested.flatMap((bytes, i) => {
    const path = `${member ?? ''}!<nested ${i + 1}>`
    return inspect(bytes, path, {...options, depth, lenient: false, explicit: true}).findings
  })
}

/**
 * Scans a pickle file and every pickle a loader would run after it (see walkSequence), judging
 * their imports against the allowlist, and scans the bytes any nested loader would load.
 */
export function scanPickleStream(
  source: ByteSource,
  member: string | null,
  options: InspectOptions,
  inspect: Inspect,
): Inspection {
  const {walks, legacy} = walkSequence(source)
  const first = walks[0]
  if (options.lenient && !first.complete && first.globals.length === 0) return {format: 'unknown', findings: []}
  const rejected = walks.length === 1 ? rejectedEarly(first) : null
  if (rejected) return {format: 'pickle', findings: withMember(rejected, member, 0)}
  const globals = walks.flatMap((w) => w.globals)
  const findings = [
    ...walks.flatMap((w, i) =>
      withMember([...judgeGlobals(w.globals, options.policy, options.allowed), ...w.findings], member, i),
    ),
    ...inspectNested(walks, member, options, inspect),
  ]
  const last = walks[walks.length - 1]
  if (last.complete && last.end < source.size && !legacy && !options.lenient)
    findings.push(makeFinding('PICKLE_TRAILING_DATA', `${source.size - last.end} bytes follow the last pickle`, member))
  const joblib = globals.some((g) => g.startsWith('joblib.'))
  const format: ScanFormat = legacy ? 'pytorch-legacy' : joblib ? 'joblib' : 'pickle'
  return {format, findings}
}

/**
 * A pickle that the loader rejects before it imports or calls anything (a GLOBAL whose name is not
 * UTF-8, say) cannot run code: it is malformed at medium severity, so it does not fail the default gate.
 */
function rejectedEarly(walk: PickleWalk): Finding[] | null {
  if (walk.complete || walk.globals.length > 0 || walk.nested.length > 0) return null
  if (walk.findings.length !== 1 || kindOf(walk.findings[0].code) !== 'malformed') return null
  return [
    makeFinding('PICKLE_REJECTED', `a pickle loader raises here before running anything: ${walk.findings[0].message}`),
  ]
}

/** Whether a walk from the start of this source looks like a pickle: it completes, imports something, or is rejected by a decode error. */
export function looksLikePickle(source: ByteSource): boolean {
  const walk = walkPickle(source, 0)
  return walk.complete || walk.globals.length > 0 || walk.findings.some((f) => f.code === 'PICKLE_BAD_ARGUMENT')
}
