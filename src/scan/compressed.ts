import {gunzipSync, inflateSync} from 'node:zlib'

import {bufferSource, type ByteSource} from './source.js'

/** Compressed pickles (joblib `compress=`, .pkl.gz) are inflated up to this size, never more. */
const MAX_DECOMPRESSED = 64 * 1024 * 1024

export type Decompressed = {source: ByteSource} | {problem: 'too-large' | 'corrupt'}

/** Inflates a zlib or gzip stream within MAX_DECOMPRESSED, reading at most that much compressed input. */
export function decompressBounded(source: ByteSource, kind: 'gzip' | 'zlib'): Decompressed {
  if (source.size > MAX_DECOMPRESSED) return {problem: 'too-large'}
  const bytes = source.read(0, source.size)
  try {
    const inflate = kind === 'gzip' ? gunzipSync : inflateSync
    return {source: bufferSource(inflate(bytes, {maxOutputLength: MAX_DECOMPRESSED}))}
  } catch (error) {
    return {problem: (error as {code?: string}).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'corrupt'}
  }
}
