import type {Writable} from 'node:stream'

import {ChunkAuthError, openChunk} from './chunk-range.js'
import type {DecryptOptions, FileResult, Identity} from './crypto.types.js'
import {cryptoError} from './errors.js'
import {TAG_LENGTH, chunkOffset, chunkPlainLength, countChunks} from './format.js'
import {type OpenInput, openInput, refuseSameFile} from './input-file.js'
import {type OpenedFile, openEncryptedInput} from './open-header.js'
import {createPendingOutput} from './output-file.js'
import {runChunkJob, segmentChunksFor} from './parallel.js'

/** Largest range decryptRange returns in one buffer. */
export const MAX_RANGE_LENGTH = 256 * 1024 * 1024

function authFailure(path: string, chunk: number, total: number, what: string, hints: string[] = []) {
  return cryptoError(
    'CHUNK_AUTH_FAILED',
    `${path}: chunk ${chunk + 1} of ${total} failed authentication (modified, reordered, truncated or from another file); ${what}.`,
    hints,
  )
}

function jobFor(opened: OpenedFile, source: OpenInput) {
  const {header} = opened
  return {
    inputFd: source.handle.fd,
    payloadKey: opened.payloadKey,
    headerLength: header.headerLength,
    chunkSize: header.chunkSize,
    plaintextLength: header.plaintextLength,
    segmentChunks: segmentChunksFor(header.chunkSize),
  }
}

/** Opens `input` once, authenticates its header and runs `work` over the same descriptor. */
async function withOpened<T>(
  input: string,
  identities: Identity[],
  work: (opened: OpenedFile, source: OpenInput) => Promise<T>,
  before?: (source: OpenInput) => Promise<void>,
): Promise<T> {
  const source = await openInput(input)
  try {
    await before?.(source)
    return await work(await openEncryptedInput(source, identities), source)
  } finally {
    await source.handle.close()
  }
}

/**
 * Decrypts `input` to `output`. Plaintext reaches `output` only when every chunk authenticated:
 * workers write into a fresh temporary file (0600) that is renamed at the end and deleted on any
 * failure. The output gets `options.mode` or 0644 minus the umask, never the ciphertext's mode.
 */
export async function decryptFile(input: string, output: string, options: DecryptOptions): Promise<FileResult> {
  const refuse = (source: OpenInput) => refuseSameFile(source, output)
  return withOpened(
    input,
    options.identities,
    async (opened, source) => {
      const length = opened.header.plaintextLength
      const pending = await createPendingOutput(output, length, Buffer.alloc(0), options)
      const onBytes = (done: number) =>
        options.onProgress?.({phase: 'decrypting', done, total: length, unit: 'bytes', detail: input})
      try {
        await runChunkJob(
          {...jobFor(opened, source), mode: 'decrypt', outputFd: pending.fd},
          {workers: options.workers, onBytes},
        )
        await pending.commit()
      } catch (error) {
        await pending.discard()
        if (error instanceof ChunkAuthError) {
          throw authFailure(input, error.chunk, countChunks(length, opened.header.chunkSize), 'nothing was written')
        }
        throw error
      }
      return {input, output, bytes: length, status: 'ok'}
    },
    refuse,
  )
}

/** Authenticates every chunk of `input` with the key, writing nothing. */
export async function checkFile(input: string, options: DecryptOptions): Promise<FileResult> {
  return withOpened(input, options.identities, async (opened, source) => {
    const length = opened.header.plaintextLength
    const onBytes = (done: number) =>
      options.onProgress?.({phase: 'checking', done, total: length, unit: 'bytes', detail: input})
    try {
      await runChunkJob({...jobFor(opened, source), mode: 'check'}, {workers: options.workers, onBytes})
    } catch (error) {
      if (error instanceof ChunkAuthError) {
        throw authFailure(input, error.chunk, countChunks(length, opened.header.chunkSize), 'the file is damaged')
      }
      throw error
    }
    return {input, bytes: length, status: 'ok'}
  })
}

/**
 * Decrypts `input` in order to a stream (stdout). A chunk is written only after it authenticated,
 * but earlier chunks are already out: the error says how many bytes were written before it.
 */
export async function decryptToStream(input: string, sink: Writable, options: DecryptOptions): Promise<FileResult> {
  return withOpened(input, options.identities, async (opened, {handle}) => {
    const {header} = opened
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
    return {input, bytes: written, status: 'ok'}
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
