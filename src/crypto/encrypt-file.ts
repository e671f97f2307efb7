import {randomBytes, timingSafeEqual} from 'node:crypto'
import {rm, stat} from 'node:fs/promises'

import {coreError, fsError} from '../core/errors.js'
import {ChunkAuthError} from './chunk-range.js'
import type {EncryptOptions, FileResult, Recipient} from './crypto.types.js'
import {cryptoError} from './errors.js'
import {
  DEFAULT_CHUNK_LOG2,
  FILE_KEY_LENGTH,
  MAX_CHUNK_LOG2,
  MIN_CHUNK_LOG2,
  SALT_LENGTH,
  type Stanza,
  encodeHeader,
  encryptedLength,
} from './format.js'
import {deriveFileKeys} from './keys.js'
import {createPendingOutput} from './output-file.js'
import {runChunkJob, segmentChunksFor} from './parallel.js'
import {type PublicKeyRecipient, createPublicKeyStanza, parsePublicKeyPem} from './recipients.js'
import {createKeyFileStanza, createPassphraseStanza} from './secret-stanzas.js'

/** Recipients with their PEMs parsed once, reused for every file of a directory. */
export type PreparedRecipient = Exclude<Recipient, {kind: 'public-key'}> | {kind: 'parsed'; key: PublicKeyRecipient}

export async function prepareRecipients(recipients: Recipient[]): Promise<PreparedRecipient[]> {
  if (recipients.length === 0) {
    throw cryptoError('KEY_MISSING', 'no recipient given.', [
      'Pass --recipient <cert-or-public.pem>, --passphrase (or LLMSEC_PASSPHRASE) or --key-file <file>.',
    ])
  }
  const prepared: PreparedRecipient[] = []
  for (const r of recipients) {
    prepared.push(r.kind === 'public-key' ? {kind: 'parsed', key: await parsePublicKeyPem(r.pem, r.source)} : r)
  }
  return prepared
}

/** One stanza per recipient, each wrapping `fileKey`. */
export async function createStanzas(recipients: PreparedRecipient[], fileKey: Buffer): Promise<Stanza[]> {
  const stanzas: Stanza[] = []
  for (const r of recipients) {
    if (r.kind === 'parsed') stanzas.push(await createPublicKeyStanza(r.key, fileKey))
    else if (r.kind === 'passphrase') stanzas.push(await createPassphraseStanza(r.passphrase, fileKey, r.scrypt))
    else stanzas.push(createKeyFileStanza(r.key, fileKey))
  }
  return stanzas
}

/**
 * Encrypts one file to `output` (temporary file, fsync, rename). With removePlaintext, the
 * ciphertext is read back, every chunk authenticated and its plaintext digests compared with
 * those of the input before the input is deleted.
 */
export async function encryptFile(
  input: string,
  output: string,
  options: EncryptOptions & {prepared?: PreparedRecipient[]},
): Promise<FileResult> {
  const chunkLog2 = options.chunkLog2 ?? DEFAULT_CHUNK_LOG2
  if (!Number.isInteger(chunkLog2) || chunkLog2 < MIN_CHUNK_LOG2 || chunkLog2 > MAX_CHUNK_LOG2) {
    throw cryptoError('RANGE_INVALID', `chunk size 2^${chunkLog2} is out of bounds (2^6 to 2^24).`)
  }
  const info = await stat(input).catch((error) => {
    throw fsError(error, input)
  })
  if (!info.isFile()) throw coreError('INPUT_UNREADABLE', `${input} is not a regular file.`)
  const prepared = options.prepared ?? (await prepareRecipients(options.recipients))
  const fileKey = randomBytes(FILE_KEY_LENGTH)
  const salt = randomBytes(SALT_LENGTH)
  const {payloadKey, macKey} = deriveFileKeys(fileKey, salt)
  const stanzas = await createStanzas(prepared, fileKey)
  const header = encodeHeader({chunkLog2, plaintextLength: info.size, salt, stanzas}, macKey)
  const chunkSize = 2 ** chunkLog2
  const pending = await createPendingOutput(
    output,
    encryptedLength(header.length, info.size, chunkSize),
    header,
    options.force,
  )
  const job = {
    headerLength: header.length,
    chunkSize,
    plaintextLength: info.size,
    payloadKey,
    segmentChunks: segmentChunksFor(chunkSize),
  }
  const onBytes = (done: number) =>
    options.onProgress?.({phase: 'encrypting', done, total: info.size, unit: 'bytes', detail: input})
  let digests: Buffer | undefined
  try {
    digests = await runChunkJob(
      {...job, mode: 'encrypt', input, output: pending.temp},
      {workers: options.workers, digests: options.removePlaintext, onBytes},
    )
    await pending.commit(info.mode & 0o7777)
  } catch (error) {
    await pending.discard()
    throw isErrno(error) ? fsError(error, input) : error
  }
  const result: FileResult = {input, output, bytes: info.size, status: 'ok'}
  if (options.removePlaintext && digests) {
    await verifyReadBack(output, job, digests, options)
    await rm(input)
    result.removedPlaintext = true
  }
  return result
}

/** A node:fs error (it has a syscall), as opposed to an LlmsecError or a worker's message. */
function isErrno(error: unknown): boolean {
  return error instanceof Error && 'syscall' in error
}

async function verifyReadBack(
  output: string,
  job: Omit<Parameters<typeof runChunkJob>[0], 'mode' | 'input'>,
  expected: Buffer,
  options: EncryptOptions,
): Promise<void> {
  const onBytes = (done: number) =>
    options.onProgress?.({phase: 'verifying', done, total: job.plaintextLength, unit: 'bytes', detail: output})
  let actual: Buffer | undefined
  try {
    actual = await runChunkJob(
      {...job, mode: 'check', input: output},
      {workers: options.workers, digests: true, onBytes},
    )
  } catch (error) {
    if (!(error instanceof ChunkAuthError)) throw error
  }
  if (!actual || actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw cryptoError('CHUNK_AUTH_FAILED', `${output} did not verify when read back; the plaintext was kept.`)
  }
}
