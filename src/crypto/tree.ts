import {readdir, stat} from 'node:fs/promises'
import {basename, dirname, join, relative, sep} from 'node:path'

import {fsError, LlmsecError, usageError} from '../core/errors.js'
import {ensureDirectory} from '../core/fs.js'
import type {BatchResult, DecryptOptions, EncryptOptions, FileResult} from './crypto.types.js'
import {checkFile, decryptFile} from './decrypt-file.js'
import {encryptFile} from './encrypt-file.js'
import {prepareRecipients} from './prepare-recipients.js'
import {cryptoError} from './errors.js'
import {ENCRYPTED_SUFFIX, plainNameOf} from './file-name.js'

const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/

/** Regular files under `dir`, sorted; symlinks are not followed and temp files are skipped. */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  const pending = [dir]
  while (pending.length > 0) {
    const current = pending.pop()!
    const entries = await readdir(current, {withFileTypes: true}).catch((error) => {
      throw fsError(error, current)
    })
    for (const entry of entries) {
      const path = join(current, entry.name)
      if (entry.isDirectory()) pending.push(path)
      else if (entry.isFile() && !TEMP_FILE.test(entry.name)) files.push(path)
    }
  }
  return files.sort()
}

async function isDirectory(path: string): Promise<boolean> {
  const info = await stat(path).catch((error) => {
    throw fsError(error, path)
  })
  return info.isDirectory()
}

async function destinationFor(file: string, root: string, output: string | undefined, name: string): Promise<string> {
  if (!output) return join(dirname(file), name)
  if (root === file) return (await isDirectory(output).catch(() => false)) ? join(output, name) : output
  const target = join(output, relative(root, dirname(file)))
  await ensureDirectory(target, undefined, join(target, name))
  return join(target, name)
}

function failure(file: FileResult['input'], error: unknown): FileResult {
  if (!(error instanceof LlmsecError)) throw error
  return {
    input: file,
    bytes: 0,
    status: 'failed',
    error: {code: error.code, message: error.message, exit: error.exit},
  }
}

async function runBatch(
  root: string,
  files: string[],
  each: (file: string) => Promise<FileResult>,
): Promise<BatchResult> {
  const started = performance.now()
  const single = files.length === 1 && files[0] === root
  const results: FileResult[] = []
  for (const file of files) {
    try {
      results.push(await each(file))
    } catch (error) {
      // A single file reports its error directly; a directory goes on with the other files.
      if (single) throw error
      results.push(failure(file, error))
    }
  }
  const ok = results.every((r) => r.status === 'ok')
  const bytes = results.reduce((n, r) => n + r.bytes, 0)
  return {ok, files: results, bytes, durationMs: Math.round(performance.now() - started)}
}

/**
 * Encrypts a file, or every regular file of a directory tree file by file (`<name>.llmsec`
 * beside it, or mirrored under `output`). Outputs get fresh modes (0644 minus the umask, or `mode`).
 */
export async function encryptPath(path: string, options: EncryptOptions & {output?: string}): Promise<BatchResult> {
  const prepared = await prepareRecipients(options.recipients)
  const directory = await isDirectory(path)
  const files = directory ? (await listFiles(path)).filter((f) => !f.endsWith(ENCRYPTED_SUFFIX)) : [path]
  return runBatch(path, files, async (file) => {
    const output = await destinationFor(file, path, options.output, basename(file) + ENCRYPTED_SUFFIX)
    const name = directory ? posixRelative(path, file) : basename(file)
    return encryptFile(file, output, {...options, prepared, name, inTree: directory})
  })
}

/** Decrypts (or with check, verifies) a file or every `.llmsec` file of a directory tree. */
export async function decryptPath(
  path: string,
  options: DecryptOptions & {output?: string; check?: boolean},
): Promise<BatchResult> {
  const directory = await isDirectory(path)
  const files = directory ? (await listFiles(path)).filter((f) => f.endsWith(ENCRYPTED_SUFFIX)) : [path]
  if (directory && files.length === 0) {
    throw cryptoError('NOT_LLMSEC', `${path} holds no ${ENCRYPTED_SUFFIX} files.`)
  }
  const batch = await runBatch(path, files, async (file) => {
    const fileOptions = {...options, relative: directory ? posixRelative(path, file) : undefined}
    if (options.check) return checkFile(file, fileOptions)
    const name = basename(file).endsWith(ENCRYPTED_SUFFIX) ? plainNameOf(basename(file)) : `${basename(file)}.decrypted`
    if (name === '') throw usageError(`${file}: cannot derive an output name; pass --output.`)
    return decryptFile(file, await destinationFor(file, path, options.output, name), fileOptions)
  })
  const senderVerified = batch.files.length > 0 && batch.files.every((f) => f.signer?.verified === true)
  return {...batch, senderVerified}
}

/** A file's path within the directory, with POSIX separators (as the header records it). */
function posixRelative(root: string, file: string): string {
  return relative(root, file).split(sep).join('/')
}
