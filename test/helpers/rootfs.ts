import {chmod, chown, mkdir, mkdtemp, rm, symlink, utimes, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

/** An owner to give an entry (a real chown: the tests that use it run as root). */
interface Owner {
  uid?: number
  gid?: number
}

/**
 * A file to create: text, or bytes, with an optional mode, owner and age (access and modification
 * times that many days ago); or a symlink target; or a directory (its mode, optionally its owner).
 */
export type RootEntry =
  | string
  | Uint8Array
  | ({content: string | Uint8Array; mode?: number; ageDays?: number} & Owner)
  | {link: string}
  | ({dir: number} & Owner)

async function own(target: string, owner: Owner): Promise<void> {
  if (owner.uid !== undefined || owner.gid !== undefined) await chown(target, owner.uid ?? -1, owner.gid ?? -1)
}
export type RootSpec = Record<string, RootEntry>

/** Builds a root filesystem under a fresh temporary directory; returns its path. */
export async function buildRoot(spec: RootSpec, prefix = 'llmsec-root-'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix))
  await addToRoot(root, spec)
  return root
}

export async function addToRoot(root: string, spec: RootSpec): Promise<void> {
  for (const [path, entry] of Object.entries(spec)) {
    const target = join(root, path)
    if (typeof entry === 'object' && 'dir' in entry) {
      await mkdir(target, {recursive: true})
      await own(target, entry)
      await chmod(target, entry.dir)
      continue
    }
    await mkdir(dirname(target), {recursive: true})
    if (typeof entry === 'object' && 'link' in entry) {
      await symlink(entry.link, target)
      continue
    }
    const {content, mode, ageDays, ...owner} =
      typeof entry === 'string' || entry instanceof Uint8Array ? {content: entry, mode: 0o644, ageDays: 0} : entry
    await writeFile(target, content)
    await own(target, owner)
    await chmod(target, mode ?? 0o644)
    if (ageDays) {
      const then = new Date(Date.now() - ageDays * 86_400_000)
      await utimes(target, then, then)
    }
  }
}

export async function removeRoot(root: string): Promise<void> {
  await rm(root, {recursive: true, force: true})
}

/** A minimal valid pickle (protocol 4: BININT1 1, STOP), the way torch.save's legacy format starts. */
export const PICKLE_BYTES = Uint8Array.from([0x80, 0x04, 0x4b, 0x01, 0x2e])

/** A pickle that imports os.system and calls it with "id" (never loaded: the scanner only reads it). */
export const MALICIOUS_PICKLE = Buffer.concat([
  Buffer.from([0x80, 0x02]),
  Buffer.from('cos\nsystem\n', 'latin1'),
  Buffer.from([0x58, 2, 0, 0, 0]),
  Buffer.from('id', 'latin1'),
  Buffer.from([0x85, 0x52, 0x2e]),
])

/** A minimal valid safetensors file: 8-byte little-endian header length, JSON header, no tensors. */
export function safetensorsBytes(): Uint8Array {
  const header = Buffer.from('{"__metadata__":{"format":"pt"}}')
  const length = Buffer.alloc(8)
  length.writeBigUInt64LE(BigInt(header.length))
  return Buffer.concat([length, header])
}
