/** Scratch files for the hashing benches: a tmpfs directory when there is one, filled with random data. */

import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {open, statfs} from 'node:fs/promises'
import {tmpdir} from 'node:os'

const MiB = 1024 * 1024

/** Where bench files go: $BENCH_DIR, else /dev/shm, else the temporary directory. */
export const benchBase = process.env.BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir())

/** Writes `mib` MiB of random bytes to `path`, 16 MiB at a time. */
export async function fillFile(path: string, mib: number): Promise<void> {
  const block = randomBytes(16 * MiB)
  const handle = await open(path, 'w')
  try {
    for (let written = 0; written < mib; written += 16) await handle.write(block, 0, Math.min(16, mib - written) * MiB)
  } finally {
    await handle.close()
  }
}

/** Room left free beside a bench's files, so that a bench never starves the machine. */
const HEADROOM = 2048 * MiB

/**
 * Refuses to start a bench whose files would not fit in `dir` with 2 GiB to spare, nor, since a
 * tmpfs is memory, in the memory available now (MemAvailable): filling /dev/shm once let the OOM
 * killer end other processes on this machine.
 */
export async function ensureRoom(dir: string, mib: number): Promise<void> {
  const need = mib * MiB + HEADROOM
  const fs = await statfs(dir)
  const free = fs.bavail * fs.bsize
  if (free < need)
    throw new Error(`${dir} has ${Math.floor(free / MiB)} MiB free; this bench needs ${mib} MiB and 2 GiB spare`)
  const available = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))
  const memory = available ? Number(available[1]) * 1024 : Infinity
  if (fs.type === TMPFS_MAGIC && memory < need)
    throw new Error(
      `${dir} is a tmpfs and only ${Math.floor(memory / MiB)} MiB of memory is available; this bench needs ${mib} MiB and 2 GiB spare`,
    )
}

/** statfs(2) f_type of a tmpfs. */
const TMPFS_MAGIC = 0x01021994
