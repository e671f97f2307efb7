import {gunzipSync, inflateSync} from 'node:zlib'

import {bufferSource, type ByteSource} from './source.js'

/** Compressed pickles (joblib `compress=`, .pkl.gz) are inflated up to this size, never more. */
const MAX_DECOMPRESSED = 64 * 1024 * 1024

/** Whether the head is a zlib stream (joblib's default compressor) or gzip. */
export function isCompressedStream(head: Buffer): boolean {
  if (head.length < 2) return false
  if (head[0] === 0x1f && head[1] === 0x8b) return true
  // zlib: CM=8, a window up to 32K, and the header checksum.
  return (head[0] & 0x0f) === 8 && head[0] >> 4 <= 7 && ((head[0] << 8) | head[1]) % 31 === 0
}

/** Inflates a zlib or gzip file within MAX_DECOMPRESSED; null when it is not one, is corrupt, or is too big. */
export function decompressBounded(source: ByteSource): ByteSource | null {
  if (source.size > MAX_DECOMPRESSED) return null
  const bytes = source.read(0, source.size)
  try {
    const inflate = bytes[0] === 0x1f ? gunzipSync : inflateSync
    return bufferSource(inflate(bytes, {maxOutputLength: MAX_DECOMPRESSED}))
  } catch {
    return null
  }
}
