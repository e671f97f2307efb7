/** Scratch files for the hashing benches: a tmpfs directory when there is one, filled with random data. */

import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import {open} from 'node:fs/promises'
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
