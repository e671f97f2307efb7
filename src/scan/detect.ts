/** Model file formats recognised by content (magic bytes and structure), never by extension. */
export type ModelFormat =
  'gguf' | 'safetensors' | 'pytorch-zip' | 'keras' | 'npz' | 'zip' | 'pickle' | 'numpy' | 'onnx' | 'hdf5' | 'unknown'

/** How many leading bytes detection needs. */
export const DETECT_HEAD_BYTES = 64 * 1024

const ZIP_LOCAL = Buffer.from('PK\x03\x04', 'latin1')
const ZIP_EMPTY = Buffer.from('PK\x05\x06', 'latin1')
const HDF5 = Buffer.from('\x89HDF\r\n\x1a\n', 'latin1')
const NUMPY = Buffer.from('\x93NUMPY', 'latin1')
/** Openings of protocol 0/1 pickles: "(dp0\n", "(lp0\n", "}q\0(", "]q\0(", "cmodule\nname\n", "(cmodule\n…". */
const PICKLE_V0_OPENING = /^(\((dp|lp)\d+\n|[\]}]q\x00|\(?c[A-Za-z_][\w.]*\n[A-Za-z_][\w.]*\n)/
const PICKLE_V0_FIRST = new Set([0x28, 0x63, 0x7d, 0x5d, 0x29, 0x4b, 0x49, 0x4a, 0x4c, 0x56, 0x53, 0x58, 0x69])

/** Reads the names of the zip entries whose local headers lie within `head`. */
export function zipEntryNames(head: Buffer, limit = 64): string[] {
  const names: string[] = []
  let offset = 0
  while (names.length < limit && offset + 30 <= head.length && head.subarray(offset, offset + 4).equals(ZIP_LOCAL)) {
    const flags = head.readUInt16LE(offset + 6)
    const compressedSize = head.readUInt32LE(offset + 18)
    const nameLength = head.readUInt16LE(offset + 26)
    const extraLength = head.readUInt16LE(offset + 28)
    const nameEnd = offset + 30 + nameLength
    if (nameEnd > head.length) break
    names.push(head.subarray(offset + 30, nameEnd).toString('utf8'))
    // With a data descriptor (flag bit 3) the size is unknown here; stop walking.
    if (flags & 0x08) break
    offset = nameEnd + extraLength + compressedSize
  }
  return names
}

/** JSON whitespace, which serde_json (the safetensors crate's parser) skips before the header object. */
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d])

function looksLikeSafetensors(head: Buffer, size: number): boolean {
  if (head.length < 10) return false
  const headerLength = head.readBigUInt64LE(0)
  if (headerLength < 2n || headerLength > BigInt(size - 8)) return false
  let i = 8
  while (i < head.length && i < 8 + Number(headerLength) && JSON_SPACE.has(head[i])) i++
  return head[i] === 0x7b // '{'
}

function looksLikeOnnx(head: Buffer): boolean {
  // ModelProto starts with field 1 (ir_version, varint) and names its producer early on.
  if (head[0] !== 0x08 || head.length < 16) return false
  const text = head.subarray(0, 512).toString('latin1')
  return /onnx|pytorch|tf2onnx|skl2onnx|keras2onnx/i.test(text)
}

function detectZip(head: Buffer): ModelFormat {
  const names = zipEntryNames(head)
  if (names.some((name) => name === 'data.pkl' || name.endsWith('/data.pkl'))) return 'pytorch-zip'
  if (names.includes('config.json') && names.some((n) => n === 'metadata.json' || n.endsWith('.weights.h5')))
    return 'keras'
  if (names.length > 0 && names.every((name) => name.endsWith('.npy'))) return 'npz'
  return 'zip'
}

/**
 * Detects a model file's format from its first bytes (up to DETECT_HEAD_BYTES) and its size.
 * Pure and bounded: it never reads beyond `head`.
 */
export function detectModelFormat(head: Buffer, size: number): ModelFormat {
  if (head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'GGUF') return 'gguf'
  if (head.length >= 4 && (head.subarray(0, 4).equals(ZIP_LOCAL) || head.subarray(0, 4).equals(ZIP_EMPTY)))
    return detectZip(head)
  if (head.length >= 8 && head.subarray(0, 8).equals(HDF5)) return 'hdf5'
  if (head.length >= 6 && head.subarray(0, 6).equals(NUMPY)) return 'numpy'
  if (head.length >= 2 && head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) return 'pickle'
  if (looksLikeSafetensors(head, size)) return 'safetensors'
  if (looksLikeOnnx(head)) return 'onnx'
  if (head.length >= 2 && PICKLE_V0_FIRST.has(head[0]) && size < 1024 * 1024 * 1024) {
    // Protocol 0/1 pickles have no header; require the STOP opcode at the end of short files,
    // or, for longer ones, an opening that Python's pickler writes (a GLOBAL line, a memoised dict/list).
    if (head.length === size && head[head.length - 1] === 0x2e) return 'pickle'
    if (PICKLE_V0_OPENING.test(head.subarray(0, 256).toString('latin1'))) return 'pickle'
  }
  return 'unknown'
}

/** Formats that can carry executable code when loaded (pickle-based). */
export function isPickleBased(format: ModelFormat): boolean {
  return format === 'pickle' || format === 'pytorch-zip' || format === 'npz'
}
