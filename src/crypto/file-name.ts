import {basename} from 'node:path'

import {cryptoError} from './errors.js'
import type {Header} from './format.js'

/** The suffix of encrypted files. */
export const ENCRYPTED_SUFFIX = '.llmsec'

/** The plaintext name a ciphertext's own name implies: `<name>.llmsec` → `<name>`. */
export function plainNameOf(name: string): string {
  return name.endsWith(ENCRYPTED_SUFFIX) ? name.slice(0, -ENCRYPTED_SUFFIX.length) : name
}

/** Where a file is being decrypted: its path within the directory, or the output a single file goes to. */
export interface NameContext {
  /** The ciphertext's path within the directory being decrypted (POSIX separators). */
  relative?: string
  /** The output path of a single file, whose name may state the expected plaintext name. */
  output?: string
  allowRenamed?: boolean
}

/**
 * Compares the name a version 2 file was made for with the name it has now: within a directory,
 * its path there (for files encrypted as part of a directory) or base name; alone, its base name
 * without `.llmsec`, or the name of the output asked for. A mismatch (renamed or swapped) is
 * NAME_MISMATCH, or with allowRenamed a warning. Version 1 files record no name.
 */
export function checkRecordedName(
  path: string,
  header: Header,
  context: NameContext,
): {name?: string; warning?: string} {
  const meta = header.meta
  if (!meta) return {}
  const {relative, output, allowRenamed} = context
  const treeCheck = meta.inTree && relative !== undefined
  const actual = treeCheck ? plainNameOf(relative) : plainNameOf(basename(path))
  const recorded = treeCheck ? meta.name : basename(meta.name)
  const statedByOutput = relative === undefined && output !== undefined && basename(output) === recorded
  if (actual === recorded || statedByOutput) return {name: meta.name}
  const what = `${path} was made for ${JSON.stringify(meta.name)}, not ${JSON.stringify(actual)} (renamed or swapped)`
  if (allowRenamed) return {name: meta.name, warning: `${what}; decrypted anyway (--allow-renamed)`}
  throw cryptoError('NAME_MISMATCH', `${what}; nothing was written.`, [
    'If the rename was intended, pass --allow-renamed.',
  ])
}
