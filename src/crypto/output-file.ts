import {constants} from 'node:fs'
import {chmod, open, rename, rm} from 'node:fs/promises'
import {dirname} from 'node:path'

import {fsError} from '../core/errors.js'
import {pathExists, syncDirectory, tempPathFor} from '../core/fs.js'
import {cryptoError} from './errors.js'

/**
 * A destination written through a temporary file in the same directory: created with its exact
 * final size (so workers can write at fixed offsets), then fsynced and renamed into place.
 */
export interface PendingOutput {
  temp: string
  commit(mode: number): Promise<void>
  discard(): Promise<void>
}

/** Refuses to overwrite unless forced; creates `.<name>.<random>.tmp` of `size` bytes starting with `head`. */
export async function createPendingOutput(
  path: string,
  size: number,
  head: Buffer,
  force = false,
): Promise<PendingOutput> {
  if (!force && (await pathExists(path))) {
    throw cryptoError(`${path} already exists; pass --force to replace it.`, 'OUTPUT_EXISTS', 2)
  }
  const temp = tempPathFor(path)
  try {
    const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600)
    try {
      if (head.length > 0) await handle.write(head, 0, head.length, 0)
      await handle.truncate(size)
    } finally {
      await handle.close()
    }
  } catch (error) {
    await rm(temp, {force: true})
    throw fsError(error, path, 'write')
  }
  return {
    temp,
    async commit(mode: number) {
      try {
        const handle = await open(temp, 'r+')
        try {
          await handle.sync()
        } finally {
          await handle.close()
        }
        await chmod(temp, mode)
        await rename(temp, path)
        await syncDirectory(dirname(path))
      } catch (error) {
        await rm(temp, {force: true})
        throw fsError(error, path, 'write')
      }
    },
    async discard() {
      await rm(temp, {force: true})
    },
  }
}
