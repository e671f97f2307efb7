import {ChunkAuthError} from './chunk-range.js'
import type {DecryptOptions, FileResult, Identity} from './crypto.types.js'
import {cryptoError} from './errors.js'
import {checkRecordedName} from './file-name.js'
import {countChunks} from './format.js'
import {type OpenInput, openInput, refuseSameFile} from './input-file.js'
import {type OpenedFile, openEncryptedInput} from './open-header.js'
import {createPendingOutput} from './output-file.js'
import {runChunkJob, segmentChunksFor} from './parallel.js'
import {checkSender, planSenderCheck} from './sender.js'

/** Per-file options the directory walk adds: the file's path within the directory. */
export type DecryptFileOptions = DecryptOptions & {relative?: string; output?: string}

export function authFailure(path: string, chunk: number, total: number, what: string, hints: string[] = []) {
  return cryptoError(
    'CHUNK_AUTH_FAILED',
    `${path}: chunk ${chunk + 1} of ${total} failed authentication (modified, reordered, truncated or from another file); ${what}.`,
    hints,
  )
}

/** Opens `input` once, authenticates its header and runs `work` over the same descriptor. */
export async function withOpened<T>(
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
 * Authenticates every chunk (writing plaintext to `outputFd` when given), then the sender
 * signature when verify keys were given. Name and signer checks come first, before any chunk.
 */
async function runAuthenticated(
  opened: OpenedFile,
  source: OpenInput,
  options: DecryptFileOptions,
  outputFd?: number,
): Promise<FileResult> {
  const {header} = opened
  const length = header.plaintextLength
  const named = checkRecordedName(opened.path, header, options)
  const plan = planSenderCheck(opened, options.verifyKeys)
  const mode = outputFd === undefined ? 'check' : 'decrypt'
  const onBytes = (done: number) =>
    options.onProgress?.({phase: `${mode}ing`, done, total: length, unit: 'bytes', detail: opened.path})
  let digests: Buffer | undefined
  try {
    digests = await runChunkJob(
      {
        mode,
        inputFd: source.handle.fd,
        outputFd,
        payloadKey: opened.payloadKey,
        headerLength: header.headerLength,
        chunkSize: header.chunkSize,
        plaintextLength: length,
        segmentChunks: segmentChunksFor(header.chunkSize),
      },
      {workers: options.workers, digests: plan.key !== undefined, onBytes},
    )
  } catch (error) {
    if (!(error instanceof ChunkAuthError)) throw error
    const what = outputFd === undefined ? 'the file is damaged' : 'nothing was written'
    throw authFailure(opened.path, error.chunk, countChunks(length, header.chunkSize), what)
  }
  const signer = checkSender(opened, plan, digests)
  const result: FileResult = {input: opened.path, bytes: length, status: 'ok'}
  if (named.name !== undefined) result.name = named.name
  if (signer) result.signer = signer
  if (named.warning) result.warnings = [named.warning]
  return result
}

/**
 * Decrypts `input` to `output`. Plaintext reaches `output` only when every chunk (and, with verify
 * keys, the sender signature) authenticated: workers write into a fresh temporary file (0600) that
 * is renamed at the end and deleted on any failure. The output gets `options.mode` or 0644 minus
 * the umask, never the ciphertext's mode nor the recorded one.
 */
export async function decryptFile(input: string, output: string, options: DecryptFileOptions): Promise<FileResult> {
  const refuse = (source: OpenInput) => refuseSameFile(source, output)
  return withOpened(
    input,
    options.identities,
    async (opened, source) => {
      const pending = await createPendingOutput(output, opened.header.plaintextLength, Buffer.alloc(0), options)
      try {
        const result = await runAuthenticated(opened, source, {...options, output}, pending.fd)
        await pending.commit()
        return {...result, output}
      } catch (error) {
        await pending.discard()
        throw error
      }
    },
    refuse,
  )
}

/** Authenticates every chunk of `input` (and the sender signature, with verify keys), writing nothing. */
export async function checkFile(input: string, options: DecryptFileOptions): Promise<FileResult> {
  return withOpened(input, options.identities, (opened, source) => runAuthenticated(opened, source, options))
}
