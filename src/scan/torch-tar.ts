import {makeFinding} from './codes.js'
import {walkPickle, type PickleWalk} from './pickle.js'
import {judgeGlobals} from './pickle-judge.js'
import type {Inspect} from './pickle-stream.js'
import {sliceSource, type ByteSource} from './source.js'
import type {Finding, InspectOptions, Inspection} from './scan.types.js'
import {append} from '../core/arrays.js'

const BLOCK = 512
const MAX_MEMBERS = 10_000
const MAX_RECORDS = 1_000_000

/** Bytes per element of the legacy storage classes (torch._utils._element_size). */
const ELEMENT_SIZES: Record<string, number> = {
  DoubleStorage: 8,
  FloatStorage: 4,
  HalfStorage: 2,
  BFloat16Storage: 2,
  LongStorage: 8,
  IntStorage: 4,
  ShortStorage: 2,
  CharStorage: 1,
  ByteStorage: 1,
  BoolStorage: 1,
  ComplexDoubleStorage: 16,
  ComplexFloatStorage: 8,
  QInt8Storage: 1,
  QUInt8Storage: 1,
  QInt32Storage: 4,
}

interface TarMember {
  name: string
  source: ByteSource
}

class TarError {
  constructor(readonly message: string) {}
}

/** ustar headers: name, size (octal) and type; only regular files are returned. */
function listTar(source: ByteSource): TarMember[] {
  const members: TarMember[] = []
  for (let pos = 0; pos + BLOCK <= source.size && members.length < MAX_MEMBERS;) {
    const header = source.read(pos, BLOCK)
    if (header.every((b) => b === 0)) break
    const text = (from: number, to: number) => header.toString('latin1', from, to).replace(/\0.*$/s, '')
    const size = Number.parseInt(text(124, 136).trim() || '0', 8)
    if (!Number.isSafeInteger(size) || size < 0) throw new TarError(`member at byte ${pos} has a bad size`)
    const prefix = text(257, 263) === 'ustar' ? text(345, 500) : ''
    const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100)
    const type = String.fromCharCode(header[156] || 0x30)
    if (pos + BLOCK + size > source.size)
      throw new TarError(`member "${name.slice(0, 60)}" runs past the end of the file`)
    if (type === '0' || type === '\0') members.push({name, source: sliceSource(source, pos + BLOCK, size)})
    pos += BLOCK + Math.ceil(size / BLOCK) * BLOCK
  }
  return members
}

const storageClass = (walk: PickleWalk) => {
  const items = walk.result?.t === 'seq' ? walk.result.items : []
  const type = items[2]
  return type?.t === 'global' ? type.ref.split('.').pop()! : null
}

/**
 * The "storages" and "tensors" members of torch/serialization.py legacy_load: a count pickle, then
 * per record an argument pickle followed by raw bytes (storages: an int64 element count and the
 * data; tensors: ndim, padding, sizes, strides and offset). Every pickle is walked; the raw bytes
 * are skipped by the sizes torch reads them with.
 */
function walkRecords(member: TarMember, walks: PickleWalk[]): Finding[] {
  const src = member.source
  const count = walkPickle(src, 0)
  walks.push(count)
  if (!count.complete || count.result?.t !== 'int') return []
  let pos = count.end
  const records = Math.min(Number(count.result.n), MAX_RECORDS)
  for (let i = 0; i < records; i++) {
    const args = walkPickle(src, pos)
    walks.push(args)
    if (!args.complete) return []
    pos = args.end
    const skip = member.name === 'storages' ? storageBytes(src, pos, storageClass(args)) : tensorBytes(src, pos)
    if (skip === null)
      return [
        makeFinding(
          'TORCH_TAR_BAD',
          `record ${i + 1} of "${member.name}" cannot be sized; the rest was not read`,
          member.name,
        ),
      ]
    pos += skip
  }
  return []
}

function storageBytes(src: ByteSource, pos: number, cls: string | null): number | null {
  const header = src.read(pos, 8)
  if (header.length < 8 || cls === null || !Object.hasOwn(ELEMENT_SIZES, cls)) return null
  const total = 8 + Number(header.readBigInt64LE(0)) * ELEMENT_SIZES[cls]
  return total >= 8 && pos + total <= src.size ? total : null
}

function tensorBytes(src: ByteSource, pos: number): number | null {
  const header = src.read(pos, 4)
  if (header.length < 4) return null
  const ndim = header.readInt32LE(0)
  const total = 8 + 16 * ndim + 8
  return ndim >= 0 && ndim <= 64 && pos + total <= src.size ? total : null
}

/**
 * The pre-1.0 torch.save tar format (tried first by torch.load on a seekable file): every pickle
 * of its sys_info, pickle, storages and tensors members is a pickle the loader runs.
 */
export function scanTorchTar(
  source: ByteSource,
  member: string | null,
  options: InspectOptions,
  inspect: Inspect,
): Inspection {
  let members: TarMember[]
  try {
    members = listTar(source)
  } catch (error) {
    if (!(error instanceof TarError)) throw error
    return {format: 'pytorch-tar', findings: [makeFinding('TORCH_TAR_BAD', error.message, member)]}
  }
  const findings: Finding[] = []
  const walks: PickleWalk[] = []
  for (const entry of members) {
    const path = member ? `${member}!${entry.name}` : entry.name
    if (entry.name === 'storages' || entry.name === 'tensors') append(findings, walkRecords(entry, walks))
    else {
      const found = inspect(entry.source, path, {
        ...options,
        name: entry.name,
        depth: (options.depth ?? 0) + 1,
        explicit: true,
      })
      append(findings, found.findings)
    }
  }
  const globals = [...new Set(walks.flatMap((w) => w.globals))]
  append(findings, judgeGlobals(globals, options.policy, options.allowed))
  append(
    findings,
    walks.flatMap((w) => w.findings),
  )
  return {format: 'pytorch-tar', findings: findings.map((f) => ({...f, member: f.member ?? member}))}
}
