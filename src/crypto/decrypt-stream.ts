import type {Writable} from 'node:stream'

import {openChunk} from './chunk-range.js'
import type {DecryptOptions, FileResult, Identity} from './crypto.types.js'
import {authFailure, withOpened} from './decrypt-file.js'
import {usageError} from '../core/errors.js'
import {cryptoError} from './errors.js'
import {checkRecordedName} from './file-name.js'
import {TAG_LENGTH, chunkOffset, chunkPlainLength, countChunks} from './format.js'

/** Largest range decryptRange returns in one buffer. */
export const MAX_RANGE_LENGTH = 256 * 1024 * 1024

/**
 * Decrypts `input` in order to a stream (stdout). A chunk is written only after it authenticated,
 * but earlier chunks are already out: the error says how many bytes were written before it.
 */
export async function decryptToStream(input: string, sink: Writable, options: DecryptOptions): Promise<FileResult> {
  if (options.verifyKeys?.length) {
    throw usageError(
      'A sender signature covers the whole file, so it cannot be verified before streaming: decrypt to a file instead of --output -.',
    )
  }
  return withOpened(input, options.identities, async (opened, {handle}) => {
    const {header} = opened
    const named = checkRecordedName(input, header, options)
    const total = countChunks(header.plaintextLength, header.chunkSize)
    const buffer = Buffer.allocUnsafe(header.chunkSize + TAG_LENGTH)
    let written = 0
    for (let i = 0; i < total; i++) {
      const sealed = buffer.subarray(0, chunkPlainLength(header, i) + TAG_LENGTH)
      await handle.read(sealed, 0, sealed.length, chunkOffset(header, i))
      let plain: Buffer
      try {
        plain = openChunk(opened.payloadKey, i, i === total - 1, sealed)
      } catch {
        throw authFailure(input, i, total, 'stopped', [
          `${written} bytes had already been written to the output before the failure; discard them.`,
        ])
      }
      if (!sink.write(plain)) await new Promise((resolve) => sink.once('drain', resolve))
      written += plain.length
      options.onProgress?.({phase: 'decrypting', done: written, total: header.plaintextLength, unit: 'bytes'})
    }
    return {input, bytes: written, status: 'ok', ...(named.name === undefined ? {} : {name: named.name})}
  })
}

/**
 * Decrypts the plaintext bytes [start, start + length) of `input`, reading only the chunks that
 * cover them (chunks sit at fixed offsets). Every chunk read is authenticated.
 */
export async function decryptRange(
  input: string,
  start: number,
  length: number,
  identities: Identity[],
): Promise<Buffer> {
  return withOpened(input, identities, async (opened, {handle}) => {
    const {header} = opened
    const valid = Number.isSafeInteger(start) && Number.isSafeInteger(length) && start >= 0 && length >= 0
    if (!valid || start + length > header.plaintextLength || length > MAX_RANGE_LENGTH) {
      throw cryptoError(
        'RANGE_INVALID',
        `range ${start}+${length} is outside the ${header.plaintextLength}-byte plaintext (or over 256 MiB).`,
      )
    }
    if (length === 0) return Buffer.alloc(0)
    const total = countChunks(header.plaintextLength, header.chunkSize)
    const first = Math.floor(start / header.chunkSize)
    const last = Math.floor((start + length - 1) / header.chunkSize)
    const parts: Buffer[] = []
    for (let i = first; i <= last; i++) {
      const sealed = Buffer.alloc(chunkPlainLength(header, i) + TAG_LENGTH)
      await handle.read(sealed, 0, sealed.length, chunkOffset(header, i))
      try {
        parts.push(openChunk(opened.payloadKey, i, i === total - 1, sealed))
      } catch {
        throw authFailure(input, i, total, 'no bytes returned')
      }
    }
    const from = start - first * header.chunkSize
    return Buffer.concat(parts).subarray(from, from + length)
  })
}
