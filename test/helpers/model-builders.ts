import {crc32, deflateRawSync} from 'node:zlib'

/** A safetensors file from a header (object or raw text) and data bytes; lengthOverride forges the prefix. */
export function buildSafetensors(header: object | string, data: Buffer, lengthOverride?: bigint): Buffer {
  const text = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8')
  const prefix = Buffer.alloc(8)
  prefix.writeBigUInt64LE(lengthOverride ?? BigInt(text.length))
  return Buffer.concat([prefix, text, data])
}

export interface GgufKv {
  key: string
  type: number
  value: Buffer
}
export interface GgufTensor {
  name: string
  dims: bigint[]
  type: number
  offset: bigint
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n)
  return b
}
const u64 = (n: bigint | number) => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(BigInt(n))
  return b
}
export const ggufString = (s: string) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)])
export const ggufU32 = u32
export const ggufU64 = u64

/** A GGUF v3 file; counts and the data length can be forged to build malformed cases. */
export function buildGguf(options: {
  kv?: GgufKv[]
  tensors?: GgufTensor[]
  dataLength?: number
  version?: number
  tensorCount?: bigint
  kvCount?: bigint
  alignment?: number
}): Buffer {
  const kv = options.kv ?? []
  const tensors = options.tensors ?? []
  const parts = [
    Buffer.from('GGUF'),
    u32(options.version ?? 3),
    u64(options.tensorCount ?? BigInt(tensors.length)),
    u64(options.kvCount ?? BigInt(kv.length)),
    ...kv.map((e) => Buffer.concat([ggufString(e.key), u32(e.type), e.value])),
    ...tensors.map((t) =>
      Buffer.concat([ggufString(t.name), u32(t.dims.length), ...t.dims.map(u64), u32(t.type), u64(t.offset)]),
    ),
  ]
  const head = Buffer.concat(parts)
  const alignment = options.alignment ?? 32
  const pad = Buffer.alloc((alignment - (head.length % alignment)) % alignment)
  return Buffer.concat([head, pad, Buffer.alloc(options.dataLength ?? 0)])
}

export interface ZipMember {
  name: string
  data: Buffer
  deflate?: boolean
  /** Forgeries for malformed cases. */
  localName?: string
  crc?: number
  size?: number
  flags?: number
}

/** A minimal zip writer (stored or deflated members) that can forge names, CRCs and sizes. */
export function buildZip(members: ZipMember[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const m of members) {
    const body = m.deflate ? deflateRawSync(m.data) : m.data
    const name = Buffer.from(m.name)
    const localName = Buffer.from(m.localName ?? m.name)
    const crc = m.crc ?? crc32(m.data)
    const size = m.size ?? m.data.length
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(m.flags ?? 0, 6)
    local.writeUInt16LE(m.deflate ? 8 : 0, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(localName.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(m.flags ?? 0, 8)
    central.writeUInt16LE(m.deflate ? 8 : 0, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, localName, body)
    centrals.push(central, name)
    offset += 30 + localName.length + body.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(members.length, 8)
  end.writeUInt16LE(members.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}
