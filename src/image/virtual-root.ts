import type {FileHandle} from 'node:fs/promises'
import {posix} from 'node:path'

import {errnoError} from '../core/fs.js'
import {
  MAX_LINK_HOPS,
  type FileBytes,
  type RootDirent,
  type RootFs,
  type RootStats,
  type StatEntry,
} from '../core/root-fs.js'
import type {TarEntry} from './tar-walk.js'

type Kind = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'other'

/**
 * Where a file's bytes are: in the image file (read in place), or kept in memory from a stream;
 * `reread` gets the whole body again from its (compressed) layer when only its head was kept.
 */
export type Content =
  | {at: 'file'; handle: FileHandle; offset: number}
  | {at: 'memory'; data: Buffer; reread?: (size: number) => Promise<Buffer>}

interface VNode {
  kind: Kind
  /** Permission bits (07777). */
  perm: number
  uid: number
  gid: number
  size: number
  mtimeMs: number
  ino: number
  rdev: number
  nlink: number
  /** The layer that last wrote this node (whiteouts remove only what lower layers wrote). */
  layer: number
  link?: string
  children?: Map<string, VNode>
  content?: Content
  /** Why a node cannot be read (a hard link to a missing member, a sparse file). */
  broken?: string
}

const TYPE_BITS: Record<Kind, number> = {
  file: 0o100000,
  dir: 0o040000,
  symlink: 0o120000,
  char: 0o020000,
  block: 0o060000,
  fifo: 0o010000,
  other: 0o100000,
}

const KINDS: Record<string, Kind> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'dir',
  SymbolicLink: 'symlink',
  CharacterDevice: 'char',
  BlockDevice: 'block',
  FIFO: 'fifo',
}

/** Linux's makedev(): the st_rdev of a device node. */
const makedev = (major: number, minor: number) => ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12)

/** The dev number virtual roots report (no real device has it). */
const VIRTUAL_DEV = 0x7fff_0000

class VirtualStats implements RootStats {
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly size: number
  readonly dev = VIRTUAL_DEV
  readonly ino: number
  readonly rdev: number
  readonly nlink: number
  readonly atimeMs: number
  readonly mtimeMs: number

  constructor(private readonly node: VNode) {
    this.mode = TYPE_BITS[node.kind] | node.perm
    this.uid = node.uid
    this.gid = node.gid
    this.size = node.kind === 'symlink' ? Buffer.byteLength(node.link ?? '') : node.kind === 'dir' ? 4096 : node.size
    this.ino = node.ino
    this.rdev = node.rdev
    this.nlink = node.nlink
    // A tar header has no access time: the modification time stands for it.
    this.mtimeMs = this.atimeMs = node.mtimeMs
  }

  get mtime(): Date {
    return new Date(this.mtimeMs)
  }
  get atime(): Date {
    return new Date(this.atimeMs)
  }
  isFile(): boolean {
    return this.node.kind === 'file' || this.node.kind === 'other'
  }
  isDirectory(): boolean {
    return this.node.kind === 'dir'
  }
  isSymbolicLink(): boolean {
    return this.node.kind === 'symlink'
  }
  isCharacterDevice(): boolean {
    return this.node.kind === 'char'
  }
  isBlockDevice(): boolean {
    return this.node.kind === 'block'
  }
  isFIFO(): boolean {
    return this.node.kind === 'fifo'
  }
  isSocket(): boolean {
    return false
  }
}

/** A member name as a path inside the root: `./a/../b` is `/b`; `..` never climbs above the root. */
export function memberPath(name: string): string {
  return posix.normalize(`/${name}`).replace(/\/+$/, '') || '/'
}

/**
 * A root file system assembled in memory from image layers: tar headers give each path's type,
 * mode, owner and link; file bytes stay in the image file (read in place) or, for compressed
 * layers, small files and the heads of large ones are kept. Nothing is written to disk. Links,
 * `..` and absolute targets resolve inside this root; reading past a kept head is unreadable
 * (EPARTIAL), and there is no host path (ENOTLOCAL), so rules needing one error instead of passing.
 */
export class VirtualRoot implements RootFs {
  private inodes = 1
  private readonly root: VNode
  /** Members skipped (unsupported types); a rule reading them sees them absent or unreadable. */
  skipped = 0

  constructor() {
    this.root = this.node('dir', {mode: 0o755, uid: 0, gid: 0, mtimeMs: 0}, 0)
    this.root.children = new Map()
  }

  private node(kind: Kind, entry: Pick<TarEntry, 'mode' | 'uid' | 'gid' | 'mtimeMs'>, layer: number): VNode {
    return {
      kind,
      perm: entry.mode & 0o7777,
      uid: entry.uid,
      gid: entry.gid,
      size: 0,
      mtimeMs: entry.mtimeMs,
      ino: this.inodes++,
      rdev: 0,
      nlink: 1,
      layer,
    }
  }

  /** The node at a path with no link in it (no links followed), or undefined. */
  private exact(path: string): VNode | undefined {
    let node: VNode | undefined = this.root
    for (const part of path.split('/')) {
      if (!part) continue
      if (node.kind !== 'dir') throw errnoError('ENOTDIR', `${path}: not a directory`)
      node = node.children!.get(part)
      if (!node) return undefined
    }
    return node
  }

  async realpath(path: string): Promise<string> {
    return this.realpathSync(path)
  }

  private realpathSync(path: string): string {
    // The same walk as resolveLinks (src/core/root-fs.ts), synchronous: every link is in memory.
    let resolved = '/'
    let parts = memberPath(path).split('/').filter(Boolean)
    let hops = 0
    for (let i = 0; i < parts.length; i++) {
      const candidate = posix.join(resolved, parts[i])
      const node = this.exact(candidate)
      if (node?.kind !== 'symlink') {
        resolved = candidate
        continue
      }
      if (++hops > MAX_LINK_HOPS) throw errnoError('ELOOP', `too many symbolic links resolving ${path}`)
      const next = posix.normalize(node.link!.startsWith('/') ? node.link! : posix.join(resolved, node.link!))
      parts = [...next.split('/').filter(Boolean), ...parts.slice(i + 1)]
      resolved = '/'
      i = -1
    }
    return resolved
  }

  private follow(path: string): VNode {
    const node = this.exact(this.realpathSync(path))
    if (!node) throw errnoError('ENOENT', `${path}: no such file in the image`)
    return node
  }

  private own(path: string): VNode {
    const parent = this.realpathSync(posix.dirname(memberPath(path)))
    const node = this.exact(posix.join(parent, posix.basename(memberPath(path))))
    if (!node) throw errnoError('ENOENT', `${path}: no such file in the image`)
    return node
  }

  async stat(path: string): Promise<RootStats> {
    return new VirtualStats(this.follow(path))
  }

  async lstat(path: string): Promise<RootStats> {
    return new VirtualStats(this.own(path))
  }

  async readlink(path: string): Promise<string> {
    const node = this.own(path)
    if (node.kind !== 'symlink') throw errnoError('EINVAL', `${path}: not a symbolic link`)
    return node.link!
  }

  async readdir(path: string): Promise<RootDirent[]> {
    const node = this.follow(path)
    if (node.kind !== 'dir') throw errnoError('ENOTDIR', `${path}: not a directory`)
    return [...node.children!].map(([name, child]) => ({
      name,
      isFile: () => child.kind === 'file' || child.kind === 'other',
      isDirectory: () => child.kind === 'dir',
      isSymbolicLink: () => child.kind === 'symlink',
    }))
  }

  async listStats(path: string, max: number): Promise<StatEntry[]> {
    const node = this.exact(memberPath(path))
    if (!node) throw errnoError('ENOENT', `${path}: no such file in the image`)
    if (node.kind !== 'dir') throw errnoError('ENOTDIR', `${path}: not a directory`)
    if (node.children!.size > max) throw errnoError('ETOOMANY', `${path} has more than ${max} entries`)
    return [...node.children!].map(([name, child]) => ({name, stats: new VirtualStats(child)}))
  }

  /** A regular file's node and its content; anything else throws as read() documents. */
  private regular(path: string): VNode & {content: Content} {
    const node = this.follow(path)
    if (node.kind === 'dir') throw errnoError('EISDIR', `${path} is a directory`)
    if (node.kind !== 'file' && node.kind !== 'other') throw errnoError('EFTYPE', `${path} is not a regular file`)
    if (node.broken) throw errnoError('EPARTIAL', `${path}: ${node.broken}`)
    return node as VNode & {content: Content}
  }

  async read(path: string, max: number): Promise<{data: Buffer; stats: RootStats}> {
    const node = this.regular(path)
    const want = Math.min(max, node.size)
    const content = node.content
    let data: Buffer
    if (content.at === 'file') {
      const buffer = Buffer.alloc(want)
      const {bytesRead} = await content.handle.read(buffer, 0, want, content.offset)
      data = buffer.subarray(0, bytesRead)
    } else if (content.data.length >= want) data = content.data.subarray(0, want)
    else if (content.reread) data = (await content.reread(want)).subarray(0, want)
    else
      throw errnoError(
        'EPARTIAL',
        `${path}: only the first ${content.data.length} bytes were kept from a compressed layer`,
      )
    return {data, stats: new VirtualStats(node)}
  }

  /**
   * Where a file's bytes are: a range of the image file's descriptor (an uncompressed layer, read
   * in place), else its bytes, read again from a compressed layer when at most `maxMemory`.
   */
  async locate(path: string, maxMemory: number): Promise<FileBytes> {
    const node = this.regular(path)
    const content = node.content
    if (content.at === 'file') return {fd: content.handle.fd, offset: content.offset, size: node.size}
    if (content.data.length >= node.size) return {data: content.data.subarray(0, node.size)}
    if (content.reread && node.size <= maxMemory) return {data: await content.reread(node.size)}
    throw errnoError(
      'EPARTIAL',
      `${path}: ${node.size} bytes in a compressed layer, more than the ${maxMemory} llmsec holds in memory for one file`,
    )
  }

  async hostPath(path: string): Promise<string> {
    throw errnoError('ENOTLOCAL', `${path} is inside an image, not a file on this machine`)
  }

  /** The directory that holds a member, created (as root, 0755) where a layer left it out. */
  private parentOf(path: string, layer: number): VNode {
    let dir = this.root
    let at = '/'
    for (const part of posix.dirname(path).split('/').filter(Boolean)) {
      at = posix.join(at, part)
      let child = dir.children!.get(part)
      if (child?.kind === 'symlink') child = this.exact(this.realpathSync(at))
      if (child?.kind !== 'dir') {
        child = this.node('dir', {mode: 0o755, uid: 0, gid: 0, mtimeMs: 0}, layer)
        child.children = new Map()
        dir.children!.set(part, child)
      }
      dir = child
    }
    return dir
  }

  /** Removes what lower layers wrote under a directory (an opaque whiteout); this layer's nodes stay. */
  private clearLower(dir: VNode, layer: number): void {
    for (const [name, child] of dir.children!) {
      if (child.layer < layer) dir.children!.delete(name)
      else if (child.kind === 'dir') this.clearLower(child, layer)
    }
  }

  /**
   * Applies one layer member. `whiteouts` (layered images only) makes `.wh.NAME` delete NAME and
   * `.wh..wh..opq` hide the lower layers' contents of its directory. `content` says where a
   * file's bytes are.
   */
  apply(entry: TarEntry, layer: number, content: Content | null, whiteouts: boolean): void {
    const path = memberPath(entry.path)
    if (path === '/') {
      if (entry.type === 'Directory')
        Object.assign(this.root, {perm: entry.mode & 0o7777, uid: entry.uid, gid: entry.gid})
      return
    }
    const parent = this.parentOf(path, layer)
    const name = posix.basename(path)
    if (whiteouts && name.startsWith('.wh.')) {
      if (name === '.wh..wh..opq') this.clearLower(parent, layer)
      else {
        const hidden = parent.children!.get(name.slice(4))
        if (hidden && hidden.layer < layer) parent.children!.delete(name.slice(4))
      }
      return
    }
    if (entry.type === 'Link') {
      parent.children!.set(name, this.hardLink(entry, layer))
      return
    }
    const kind = KINDS[entry.type] ?? 'other'
    const existing = parent.children!.get(name)
    if (kind === 'dir' && existing?.kind === 'dir') {
      Object.assign(existing, {
        perm: entry.mode & 0o7777,
        uid: entry.uid,
        gid: entry.gid,
        mtimeMs: entry.mtimeMs,
        layer,
      })
      return
    }
    const node = this.node(kind, entry, layer)
    if (kind === 'dir') node.children = new Map()
    if (kind === 'symlink') node.link = entry.linkpath
    if (kind === 'char' || kind === 'block') node.rdev = makedev(entry.devmaj, entry.devmin)
    if (kind === 'file') {
      node.size = entry.size
      node.content = content ?? {at: 'memory', data: Buffer.alloc(0)}
    }
    if (kind === 'other') {
      this.skipped++
      node.broken = `a tar member of type ${entry.type}, which llmsec does not read`
    }
    parent.children!.set(name, node)
  }

  /** A hard link shares its target's node (same inode, link count raised). */
  private hardLink(entry: TarEntry, layer: number): VNode {
    const target = memberPath(entry.linkpath)
    let node: VNode | undefined
    try {
      node = this.exact(posix.join(this.realpathSync(posix.dirname(target)), posix.basename(target)))
    } catch {
      node = undefined
    }
    if (node && node.kind !== 'dir') {
      node.nlink++
      return node
    }
    const broken = this.node('other', entry, layer)
    broken.broken = `a hard link to ${target}, which the image does not hold`
    return broken
  }

  /** Checks a path exists in the assembled root (tests and the differential check use it). */
  has(path: string): boolean {
    try {
      return this.exact(this.realpathSync(path)) !== undefined
    } catch {
      return false
    }
  }
}
