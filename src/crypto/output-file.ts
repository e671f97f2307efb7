import {constants, rmSync} from 'node:fs'
import {chmod, open, rename, rm} from 'node:fs/promises'
import {dirname} from 'node:path'

import {fsError} from '../core/errors.js'
import {refuseExisting, syncDirectory, tempPathFor} from '../core/fs.js'

/**
 * A destination written through a temporary file in the same directory: created with its exact
 * final size (so workers can write at fixed offsets), then fsynced and renamed into place.
 * SIGINT/SIGTERM/SIGHUP remove it; only SIGKILL or a crash can leave it behind.
 */
export interface PendingOutput {
  temp: string
  commit(mode: number): Promise<void>
  discard(): Promise<void>
}

const liveTemps = new Set<string>()
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** On Ctrl-C or kill, removes the temporary files of this process, then dies of the same signal. */
function onSignal(signal: NodeJS.Signals): void {
  for (const temp of liveTemps) rmSync(temp, {force: true})
  liveTemps.clear()
  for (const s of SIGNALS) process.removeListener(s, onSignal)
  process.kill(process.pid, signal)
}

function track(temp: string): void {
  if (liveTemps.size === 0) for (const s of SIGNALS) process.on(s, onSignal)
  liveTemps.add(temp)
}

function untrack(temp: string): void {
  liveTemps.delete(temp)
  if (liveTemps.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal)
}

/** Refuses to overwrite unless forced; creates `.<name>.<random>.tmp` of `size` bytes starting with `head`. */
export async function createPendingOutput(
  path: string,
  size: number,
  head: Buffer,
  force = false,
): Promise<PendingOutput> {
  await refuseExisting([path], force)
  const temp = tempPathFor(path)
  track(temp)
  try {
    const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600)
    try {
      if (head.length > 0) await handle.write(head, 0, head.length, 0)
      await handle.truncate(size)
    } finally {
      await handle.close()
    }
  } catch (error) {
    await rm(temp, {force: true}).catch(() => undefined)
    untrack(temp)
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
        untrack(temp)
        await syncDirectory(dirname(path))
      } catch (error) {
        await rm(temp, {force: true}).catch(() => undefined)
        untrack(temp)
        throw fsError(error, path, 'write')
      }
    },
    async discard() {
      await rm(temp, {force: true})
      untrack(temp)
    },
  }
}
