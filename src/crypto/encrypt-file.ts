import {randomBytes, timingSafeEqual} from 'node:crypto'
import {write} from 'node:fs'
import {unlink} from 'node:fs/promises'
import {basename} from 'node:path'

import {fsError, LlmsecError} from '../core/errors.js'
import {ChunkAuthError} from './chunk-range.js'
import type {EncryptOptions, FileResult} from './crypto.types.js'
import {cryptoError} from './errors.js'
import {
  DEFAULT_CHUNK_LOG2,
  FILE_KEY_LENGTH,
  MAX_CHUNK_LOG2,
  MIN_CHUNK_LOG2,
  SALT_LENGTH,
  countChunks,
  encodeHeader,
  encryptedLength,
} from './format.js'
import {deriveFileKeys} from './keys.js'
import {assertInputUnchanged, type OpenInput, openInput, refuseSameFile, removalProblem} from './input-file.js'
import {createPendingOutput} from './output-file.js'
import {signMessage, signedMessage} from './signature.js'
import {runChunkJob, segmentChunksFor} from './parallel.js'
import {type PreparedRecipient, createStanzas, prepareRecipients} from './prepare-recipients.js'

/**
 * Encrypts one file to `output` (fresh temporary file, fsync, rename). The input is read through
 * one descriptor and must not change meanwhile. With removePlaintext, the ciphertext is read back,
 * every chunk authenticated and compared with what was written, and the input unlinked only when
 * its name still names the same unchanged file with no other hard links (not a secure erasure).
 */
export async function encryptFile(input: string, output: string, options: FileOptions): Promise<FileResult> {
  const chunkLog2 = options.chunkLog2 ?? DEFAULT_CHUNK_LOG2
  if (!Number.isInteger(chunkLog2) || chunkLog2 < MIN_CHUNK_LOG2 || chunkLog2 > MAX_CHUNK_LOG2) {
    throw cryptoError('RANGE_INVALID', `chunk size 2^${chunkLog2} is out of bounds (2^6 to 2^24).`)
  }
  const source = await openInput(input)
  try {
    await refuseSameFile(source, output)
    await writeCiphertext(source, output, chunkLog2, options)
    const result: FileResult = {
      input,
      output,
      bytes: source.info.size,
      status: 'ok',
      name: options.name ?? basename(input),
    }
    if (options.removePlaintext) await removePlaintext(source, output, result)
    return result
  } finally {
    await source.handle.close()
  }
}

/** Per-file options the directory walk adds: recipients prepared once, the name within the tree. */
type FileOptions = EncryptOptions & {prepared?: PreparedRecipient[]; name?: string; inTree?: boolean}

async function writeCiphertext(source: OpenInput, output: string, chunkLog2: number, options: FileOptions) {
  const size = source.info.size
  const prepared = options.prepared ?? (await prepareRecipients(options.recipients))
  const fileKey = randomBytes(FILE_KEY_LENGTH)
  const salt = randomBytes(SALT_LENGTH)
  const {payloadKey, macKey} = deriveFileKeys(fileKey, salt)
  const stanzas = await createStanzas(prepared, fileKey)
  const meta = {
    name: options.name ?? basename(source.path),
    inTree: options.inTree ?? false,
    recordedMode: source.info.mode & 0o7777,
    signature: options.signKey?.layout,
  }
  const header = encodeHeader({chunkLog2, plaintextLength: size, salt, stanzas, meta}, macKey)
  const chunkSize = 2 ** chunkLog2
  const signatureLength = meta.signature?.length ?? 0
  const fileLength = encryptedLength(header.length, size, chunkSize, signatureLength)
  const pending = await createPendingOutput(output, fileLength, header, {force: options.force, mode: options.mode})
  const job = {headerLength: header.length, chunkSize, plaintextLength: size, payloadKey}
  const onBytes = (done: number) =>
    options.onProgress?.({phase: 'encrypting', done, total: size, unit: 'bytes', detail: source.path})
  try {
    const digests = await runChunkJob(
      {
        ...job,
        segmentChunks: segmentChunksFor(chunkSize),
        mode: 'encrypt',
        inputFd: source.handle.fd,
        outputFd: pending.fd,
      },
      {workers: options.workers, digests: options.removePlaintext || options.signKey !== undefined, onBytes},
    )
    await assertInputUnchanged(source, 'nothing was written')
    if (options.signKey && digests) {
      const mac = header.subarray(header.length - 32)
      const message = signedMessage(mac, countChunks(size, chunkSize), digests)
      const signature = signMessage(options.signKey, message)
      await writeAt(pending.fd, signature, fileLength - signatureLength)
    }
    if (options.removePlaintext && digests) await verifyReadBack(pending.fd, output, job, digests, options)
    await pending.commit()
  } catch (error) {
    await pending.discard()
    // A read past a shrinking input fails in a worker: report the change, not the symptom.
    if (!(error instanceof LlmsecError)) await assertInputUnchanged(source, 'nothing was written')
    throw isErrno(error) ? fsError(error, source.path) : error
  }
}

function writeAt(fd: number, data: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    write(fd, data, 0, data.length, position, (error, written) => {
      if (error) reject(error)
      else if (written !== data.length) reject(new Error('short write of the signature'))
      else resolve()
    })
  })
}

/** Unlinks the input once it is safe to (see removalProblem); otherwise keeps it and says why. */
async function removePlaintext(source: OpenInput, output: string, result: FileResult): Promise<void> {
  const problem = await removalProblem(source)
  if (problem?.error) {
    throw cryptoError(
      'INPUT_CHANGED',
      `${problem.error}; the ciphertext ${output} was written from its earlier content.`,
    )
  }
  if (problem?.warning) {
    result.removedPlaintext = false
    result.warnings = [problem.warning]
    return
  }
  try {
    await unlink(source.path)
  } catch (error) {
    throw fsError(error, source.path, 'write')
  }
  result.removedPlaintext = true
}

/** A node:fs error (it has a syscall), as opposed to an LlmsecError or a worker's message. */
function isErrno(error: unknown): boolean {
  return error instanceof Error && 'syscall' in error
}

/** Authenticates every chunk of the written ciphertext and compares its digests with those sealed. */
async function verifyReadBack(
  fd: number,
  output: string,
  job: Omit<Parameters<typeof runChunkJob>[0], 'mode' | 'inputFd' | 'segmentChunks'>,
  expected: Buffer,
  options: EncryptOptions,
): Promise<void> {
  const onBytes = (done: number) =>
    options.onProgress?.({phase: 'verifying', done, total: job.plaintextLength, unit: 'bytes', detail: output})
  let actual: Buffer | undefined
  try {
    actual = await runChunkJob(
      {...job, segmentChunks: segmentChunksFor(job.chunkSize), mode: 'check', inputFd: fd},
      {workers: options.workers, digests: true, onBytes},
    )
  } catch (error) {
    if (!(error instanceof ChunkAuthError)) throw error
  }
  if (!actual || actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw cryptoError('CHUNK_AUTH_FAILED', `${output} did not verify when read back; the plaintext was kept.`)
  }
}
