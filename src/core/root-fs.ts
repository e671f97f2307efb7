import {
  lstatSync,
  opendirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  statSync,
  type Dirent,
  type Stats,
} from 'node:fs'
import {isAbsolute, join, posix} from 'node:path'

import {errnoError, readRegularFileSync, syncOr} from './fs.js'

/** What the readers of an inspected system use of a file's status (fs.Stats satisfies it). */
export type RootStats = Pick<
  Stats,
  | 'mode'
  | 'uid'
  | 'gid'
  | 'size'
  | 'dev'
  | 'ino'
  | 'rdev'
  | 'nlink'
  | 'atime'
  | 'mtime'
  | 'atimeMs'
  | 'mtimeMs'
  | 'isFile'
  | 'isDirectory'
  | 'isSymbolicLink'
  | 'isCharacterDevice'
  | 'isBlockDevice'
  | 'isFIFO'
  | 'isSocket'
>

/**
 * Where a regular file's bytes are, for a reader on another thread of this process: a range of
 * an open file descriptor (read in place with positioned reads; the reader never closes it), or
 * the bytes themselves.
 */
export type FileBytes = {fd: number; offset: number; size: number} | {data: Uint8Array}

/** A directory entry of an inspected system (fs.Dirent satisfies it). */
export type RootDirent = Pick<Dirent, 'name' | 'isFile' | 'isDirectory' | 'isSymbolicLink'>

/** A directory entry with its own status (lstat: a link is the link), or the errno that stopped its lstat. */
export type StatEntry = {name: string; stats: RootStats} | {name: string; code: string}

/**
 * The file system of an inspected system: a directory on this machine (`--root`, or `/`) or a
 * virtual root read from an image archive (`--image`). Paths are absolute paths of the inspected
 * system. Failures throw errors with an errno `code` (ENOENT and ENOTDIR mean absent; anything
 * else is unreadable), so every reader tells "absent" from "could not be read" the same way.
 */
export interface RootFs {
  /** Status, following symbolic links inside the root. */
  stat(path: string): Promise<RootStats>
  /** Status of the path itself (its parent resolved inside the root). */
  lstat(path: string): Promise<RootStats>
  /** The path inside the root with every symbolic link resolved (inside the root). */
  realpath(path: string): Promise<string>
  /** The target of a symbolic link (its parent resolved inside the root). */
  readlink(path: string): Promise<string>
  /** Entries of a directory (links followed inside the root), in no particular order. */
  readdir(path: string): Promise<RootDirent[]>
  /**
   * At most `max` bytes of a regular file (links followed inside the root) and its status; a
   * directory throws EISDIR, any other non-regular file EFTYPE (never read, so a FIFO cannot hang).
   */
  read(path: string, max: number): Promise<{data: Buffer; stats: RootStats}>
  /**
   * The path on this machine that holds `path`, for readers that need a real file (a scanner, a
   * signature verifier). A virtual root has none and throws ENOTLOCAL: callers record it as
   * unreadable, so a rule that needs the file errors instead of passing.
   */
  hostPath(path: string): Promise<string>
  /**
   * A virtual root's answer to hostPath: where the file's bytes are (links followed inside the
   * root), holding at most `maxMemory` bytes in memory; a file that would need more throws
   * EPARTIAL. Directory roots have none (they give a host path).
   */
  locate?(path: string, maxMemory: number): Promise<FileBytes>
  /**
   * For walks: the entries of the directory `path` with their lstat, in no particular order. `path`
   * is taken as it is, never resolved: it must hold no symbolic link (a walk that only enters the
   * directories its lstat showed builds such paths). More than `max` entries throws ETOOMANY
   * before any is statted. An entry gone between listing and lstat is left out.
   */
  listStats(path: string, max: number): Promise<StatEntry[]>
}

/** Most symlinks followed for one path, as the kernel's ELOOP limit. */
export const MAX_LINK_HOPS = 40

/**
 * Resolves `path` inside a root whose links `readLink` answers (undefined: not a link). An
 * absolute target is re-anchored at the root and `..` never climbs above it; more than 40 links is
 * ELOOP. Returns the normalized path inside the root with no link left in it.
 */
async function resolveLinks(
  path: string,
  readLink: (candidate: string) => Promise<string | undefined>,
  describe: string,
): Promise<string> {
  const parts = posix.normalize(`/${path}`).split('/').filter(Boolean)
  let current = '/'
  for (let hops = 0, i = 0; i < parts.length; i++) {
    const candidate = posix.join(current, parts[i])
    const target = await readLink(candidate)
    if (target === undefined) {
      current = candidate
      continue
    }
    if (++hops > MAX_LINK_HOPS) throw errnoError('ELOOP', `too many symbolic links under ${describe} resolving ${path}`)
    const next = isAbsolute(target) ? target : posix.join(current, target)
    const rest = parts.slice(i + 1)
    parts.length = 0
    for (const part of posix.normalize(next).split('/')) if (part) parts.push(part)
    for (const part of rest) parts.push(part)
    current = '/'
    i = -1
  }
  return current
}

/**
 * A directory of this machine as the root (`/` reads this host itself). Every call is
 * synchronous inside its promise on purpose: an audit makes tens of thousands of small calls on
 * files the page cache holds, and a synchronous call costs a third of a promise-based one (no
 * thread-pool round trip); no call can block on a FIFO (read opens non-blocking and reads only
 * regular files).
 */
class DirectoryRootFs implements RootFs {
  constructor(readonly root: string) {}

  async hostPath(path: string): Promise<string> {
    return this.root === '/' ? path : join(this.root, await this.realpath(path))
  }

  async realpath(path: string): Promise<string> {
    if (this.root === '/') return realpathSync(path)
    return resolveLinks(
      path,
      async (candidate) => syncOr<string | undefined>(() => readlinkSync(join(this.root, candidate)), undefined),
      this.root,
    )
  }

  /**
   * The path to hand to the file system. For `/` that is the path itself: the kernel resolves its
   * links exactly as resolving them here would (and in one call, not one per component).
   */
  private async followed(path: string): Promise<string> {
    return this.root === '/' ? path : this.hostPath(path)
  }

  private async parentPath(path: string): Promise<string> {
    if (this.root === '/') return path
    return join(await this.hostPath(posix.dirname(path)), posix.basename(path))
  }

  async stat(path: string): Promise<RootStats> {
    return statSync(await this.followed(path))
  }

  async lstat(path: string): Promise<RootStats> {
    return lstatSync(await this.parentPath(path))
  }

  async readlink(path: string): Promise<string> {
    return readlinkSync(await this.parentPath(path))
  }

  async readdir(path: string): Promise<RootDirent[]> {
    return readdirSync(await this.followed(path), {withFileTypes: true})
  }

  /**
   * Synchronous on purpose: a walk lstats hundreds of thousands of entries, and one synchronous
   * lstat costs a quarter of a promise-based one here (a walk's caller yields between directories).
   */
  async listStats(path: string, max: number): Promise<StatEntry[]> {
    const host = this.root === '/' ? path : join(this.root, path)
    const dir = opendirSync(host)
    const names: string[] = []
    try {
      for (let entry = dir.readSync(); entry; entry = dir.readSync()) {
        if (names.length >= max) throw errnoError('ETOOMANY', `${path} has more than ${max} entries`)
        names.push(entry.name)
      }
    } finally {
      dir.closeSync()
    }
    const out: StatEntry[] = []
    for (const name of names) {
      try {
        const stats = lstatSync(join(host, name), {throwIfNoEntry: false})
        if (stats) out.push({name, stats})
      } catch (error) {
        out.push({name, code: (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN'})
      }
    }
    return out
  }

  /** See readRegularFileSync: opened without blocking, /proc files read to their end. */
  async read(path: string, max: number): Promise<{data: Buffer; stats: RootStats}> {
    return readRegularFileSync(await this.followed(path), max)
  }
}

/**
 * Virtual roots are named by an absolute path holding a NUL byte: no file system call accepts
 * such a path (node:fs throws ERR_INVALID_ARG_VALUE), so code that bypasses the RootFs and
 * joins the root with a path fails as unreadable, never reads this machine.
 */
const VIRTUAL_PREFIX = '/\0virtual-root/'
const virtualRoots = new Map<string, RootFs>()
const virtualLabels = new Map<string, string>()
let virtualCount = 0

/** Registers a virtual root and returns the root name that readers pass around like `--root`. */
export function registerVirtualRoot(fs: RootFs, label: string): string {
  const name = `${VIRTUAL_PREFIX}${++virtualCount}/${label.replaceAll('/', '_')}`
  virtualRoots.set(name, fs)
  virtualLabels.set(name, label)
  return name
}

/** Forgets a virtual root (its readers fail afterwards). */
export function releaseVirtualRoot(name: string): void {
  virtualRoots.delete(name)
  virtualLabels.delete(name)
}

/** Whether a root name is a virtual root (an image), not a directory of this machine. */
export function isVirtualRoot(root: string): boolean {
  return root.startsWith(VIRTUAL_PREFIX)
}

/** How messages name a root: `--image <tag (digest)>` for a virtual root, else `--root <dir>`. */
export function describeRoot(root: string): string {
  return isVirtualRoot(root) ? `--image ${virtualLabels.get(root) ?? 'image'}` : `--root ${root}`
}

const directories = new Map<string, RootFs>()

/** The file system behind a root name: a registered virtual root, else that directory. */
export function rootFsOf(root: string): RootFs {
  if (isVirtualRoot(root)) {
    const fs = virtualRoots.get(root)
    if (!fs) throw errnoError('ENOTLOCAL', `virtual root ${JSON.stringify(root)} is no longer open`)
    return fs
  }
  let fs = directories.get(root)
  if (!fs) directories.set(root, (fs = new DirectoryRootFs(root)))
  return fs
}
