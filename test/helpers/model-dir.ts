import {existsSync} from 'node:fs'
import {chmod, cp, mkdir, mkdtemp, open, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {repoRoot, sharedDir} from './cli.js'

/** A temp directory removed by the returned cleanup function. */
export async function makeTempDir(prefix = 'llmsec-test-'): Promise<{dir: string; cleanup: () => Promise<void>}> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return {dir, cleanup: () => rm(dir, {recursive: true, force: true})}
}

/**
 * A small model directory: nested folders, an empty file, text and binary files,
 * plus files OMS ignores by default (.git/, .gitignore).
 */
export async function makeModelDir(dir: string): Promise<string> {
  await mkdir(join(dir, 'tokenizer', 'extra', 'deep'), {recursive: true})
  await mkdir(join(dir, '.git'), {recursive: true})
  await writeFile(join(dir, 'config.json'), '{"architectures": ["LlamaForCausalLM"]}\n')
  await writeFile(join(dir, 'empty.txt'), '')
  await writeFile(join(dir, 'tokenizer', 'tokenizer.json'), '{"model": {"type": "BPE"}}\n')
  await writeFile(join(dir, 'tokenizer', 'extra', 'deep', 'empty.bin'), '')
  await writeFile(join(dir, 'weights.bin'), Buffer.from(Array.from({length: 65_536}, (_, i) => (i * 31) % 256)))
  await writeFile(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n')
  await writeFile(join(dir, '.gitignore'), '*.tmp\n')
  return dir
}

/** A sparse file of `size` bytes with a few non-zero bytes at the start and the end. */
export async function makeSparseFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w')
  try {
    await handle.truncate(size)
    await handle.write(Buffer.from('llmsec-start'), 0, 12, 0)
    await handle.write(Buffer.from('llmsec-end'), 0, 10, size - 10)
  } finally {
    await handle.close()
  }
}

/** Flips one byte of a file at `offset` (in place). */
export async function flipByte(path: string, offset = 0): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    const byte = Buffer.alloc(1)
    await handle.read(byte, 0, 1, offset)
    byte[0] ^= 0xff
    await handle.write(byte, 0, 1, offset)
  } finally {
    await handle.close()
  }
}

/** Copies a directory (e.g. a read-only reference directory) somewhere writable. */
export async function copyDir(from: string, to: string): Promise<string> {
  await cp(from, to, {recursive: true})
  // The source may be read-only (../shared): make the copy writable so tests can tamper with it.
  await chmod(to, 0o755)
  for (const entry of await readdir(to, {recursive: true, withFileTypes: true})) {
    await chmod(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644)
  }
  return to
}

/**
 * The OMS interop material in ../shared, or null when absent. Worktrees live one level
 * deeper (/work/wt/<branch>), so ../../shared is tried too; LLMSEC_SHARED_DIR overrides.
 */
export function findOmsDir(): string | null {
  const candidates = [process.env.LLMSEC_SHARED_DIR, sharedDir, resolve(repoRoot, '..', '..', 'shared')]
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'interop', 'oms', 'spec', 'schemas', 'v1.0'))) return join(dir, 'interop', 'oms')
  }
  return null
}

/**
 * Timeout for tests that run the built CLI several times: each run starts Node and oclif,
 * which takes seconds when the machine is shared with other jobs.
 */
export const CLI_TEST_TIMEOUT_MS = 240_000
