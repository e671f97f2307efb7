import {constants, rmSync} from 'node:fs'
import {type FileHandle, lstat, open, rename, rm} from 'node:fs/promises'
import {dirname} from 'node:path'

import {fsError, LlmsecError} from '../core/errors.js'
import {refuseExisting, syncDirectory, tempPathFor} from '../core/fs.js'
import {cryptoError} from './errors.js'

/**
 * A destination written through a temporary file in the same directory: created fresh (O_EXCL,
 * mode 0600) with its exact final size, written through the descriptor that created it (workers
 * share the process's descriptors, so nobody can swap the file under us by name), then fsynced,
 * given its final mode with fchmod and renamed into place. SIGINT/SIGTERM/SIGHUP remove it.
 */
export interface PendingOutput {
  temp: string
  /** Read-write descriptor of the temporary file. */
  fd: number
  /** Final mode, then rename; fails when the temporary file was replaced by another. */
  commit(): Promise<void>
  discard(): Promise<void>
}

export interface OutputOptions {
  force?: boolean
  /** Final permission bits (default 0644 minus the umask). */
  mode?: number
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

/** Bits an output never gets, whatever asks for them: setuid, setgid, sticky, world-write. */
const FORBIDDEN_MODE_BITS = 0o7002

/** The mode new outputs get: 0644 minus the process umask, like age and gpg. */
export function defaultOutputMode(): number {
  return 0o644 & ~process.umask()
}

/**
 * Parses `--mode`: three or four octal digits. Setuid, setgid, sticky and world-write are refused,
 * so no option makes a decrypted file a privilege for someone else.
 */
export function parseOutputMode(text: string): number {
  if (!/^0?[0-7]{3,4}$/.test(text)) {
    throw cryptoError('MODE_INVALID', `--mode ${text} is not an octal file mode such as 0640.`)
  }
  const mode = Number.parseInt(text, 8)
  if (mode & FORBIDDEN_MODE_BITS) {
    throw cryptoError(
      'MODE_INVALID',
      `--mode ${text} sets setuid, setgid, sticky or world-write bits, which llmsec never writes.`,
    )
  }
  return mode
}

/** Refuses unless forced; creates `.<name>.<random>.tmp` of `size` bytes starting with `head`. */
export async function createPendingOutput(
  path: string,
  size: number,
  head: Buffer,
  options: OutputOptions = {},
): Promise<PendingOutput> {
  await refuseExisting([path], options.force)
  const mode = options.mode ?? defaultOutputMode()
  if (mode & FORBIDDEN_MODE_BITS) throw cryptoError('MODE_INVALID', `mode 0${mode.toString(8)} is refused.`)
  const temp = tempPathFor(path)
  track(temp)
  let handle: FileHandle
  try {
    handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | constants.O_NOFOLLOW, 0o600)
  } catch (error) {
    untrack(temp)
    throw fsError(error, path, 'write')
  }
  const discard = async () => {
    await handle.close().catch(() => undefined)
    await rm(temp, {force: true}).catch(() => undefined)
    untrack(temp)
  }
  try {
    if (head.length > 0) await handle.write(head, 0, head.length, 0)
    await handle.truncate(size)
  } catch (error) {
    await discard()
    throw fsError(error, path, 'write')
  }
  return {
    temp,
    fd: handle.fd,
    async commit() {
      try {
        await handle.sync()
        await handle.chmod(mode)
        const ours = await handle.stat()
        await assertSameFile(temp, ours, path)
        await rename(temp, path)
        untrack(temp)
        await assertSameFile(path, ours, path)
        await handle.close()
        await syncDirectory(dirname(path))
      } catch (error) {
        await discard()
        throw error instanceof LlmsecError ? error : fsError(error, path, 'write')
      }
    },
    discard,
  }
}

/** Refuses when `name` is no longer the file this process created (someone replaced it). */
async function assertSameFile(name: string, ours: {dev: number; ino: number}, output: string): Promise<void> {
  const info = await lstat(name)
  if (info.dev !== ours.dev || info.ino !== ours.ino) {
    throw cryptoError(
      'OUTPUT_REPLACED',
      `${name} was replaced by another file while ${output} was written; nothing was kept.`,
    )
  }
}
