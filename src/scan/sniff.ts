/**
 * Containers and non-model files recognised by their first bytes, so that what the scanner cannot
 * read is named (and called `unknown`) rather than passed over.
 */
export type Container =
  'gzip' | 'zlib' | 'bzip2' | 'xz' | 'lzma' | 'lz4' | '7z' | 'joblib-zfile' | 'tar' | 'lfs-pointer'

import {zfileLength} from './compressed.js'

const starts = (head: Buffer, hex: string) => head.subarray(0, hex.length / 2).equals(Buffer.from(hex, 'hex'))

/** Whether the head is a zlib stream (joblib's default compressor): CM=8, a window up to 32K, the header check. */
function isZlib(head: Buffer): boolean {
  return head.length >= 2 && (head[0] & 0x0f) === 8 && head[0] >> 4 <= 7 && ((head[0] << 8) | head[1]) % 31 === 0
}

/** Git LFS pointer files (https://git-lfs.com spec v1): the model was never fetched. */
const LFS_POINTER = 'version https://git-lfs.github.com/spec/'

/**
 * The container a head starts with. Prefixes follow joblib/compressor.py (_ZFILE_PREFIX, zlib, gzip,
 * bz2, xz, lzma FORMAT_ALONE, lz4 frame) and the 7z, tar (ustar at 257) and LFS formats.
 */
export function sniffContainer(head: Buffer): Container | null {
  if (head.toString('latin1', 0, LFS_POINTER.length) === LFS_POINTER) return 'lfs-pointer'
  if (starts(head, '1f8b')) return 'gzip'
  if (head.length >= 4 && head.toString('latin1', 0, 3) === 'BZh' && head[3] >= 0x31 && head[3] <= 0x39) return 'bzip2'
  if (starts(head, 'fd377a585a00')) return 'xz'
  if (starts(head, '5d0000')) return 'lzma'
  if (starts(head, '04224d18')) return 'lz4'
  if (starts(head, '377abcaf271c')) return '7z'
  if (head.toString('latin1', 0, 2) === 'ZF' && zfileLength(head) !== null) return 'joblib-zfile'
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar'
  if (isZlib(head)) return 'zlib'
  return null
}

/** Formats a loader of ours would never take, named so an `unknown` verdict can say what the file is. */
const OTHER_MAGIC: [string, string][] = [
  ['89504e470d0a1a0a', 'a PNG image'],
  ['ffd8ff', 'a JPEG image'],
  ['47494638', 'a GIF image'],
  ['25504446', 'a PDF document'],
  ['7f454c46', 'an ELF executable'],
  ['52617221', 'a RAR archive'],
]

/** A short description of a non-model file type, or null. */
export function describeOther(head: Buffer): string | null {
  return OTHER_MAGIC.find(([hex]) => starts(head, hex))?.[1] ?? null
}

/** Extensions loaders use for model files (a compression suffix may follow). */
const MODEL_EXTENSION =
  /\.(bin|pt|pth|ckpt|pkl|pickle|joblib|npy|npz|h5|hdf5|keras|safetensors|gguf|onnx|dat|model)(\.(gz|bz2|xz|lzma|lz4|z))?$/i

export function hasModelExtension(name: string): boolean {
  return MODEL_EXTENSION.test(name)
}
