import {posix} from 'node:path'

import {rootFsOf, type RootStats} from '../../core/root-fs.js'
import {MAX_TEXT_BYTES, unreadable, type Unreadable} from '../../core/root-path.js'

/** Paths of the audited system resolve inside the root; unreadable inputs are recorded (src/core/root-path.ts). */
export {resolveInRoot, type Unreadable} from '../../core/root-path.js'

/**
 * One read of a path of the audited system. `absent` is only ENOENT/ENOTDIR: a permission or I/O
 * error is `unreadable`, because "cannot read" must never be reported as "does not exist".
 */
export type FileRead<T> =
  {state: 'absent'; path: string} | ({state: 'unreadable'} & Unreadable) | {state: 'present'; path: string; value: T}

/** The unreadable record of a read (without its state tag). */
export function whyUnreadable({path, code, reason}: Unreadable): Unreadable {
  return {path, code, reason}
}

/** Classifies a failed read: ENOENT/ENOTDIR is absent, anything else (with its errno) unreadable. */
export function classifyReadError(path: string, error: unknown): FileRead<never> {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN'
  if (code === 'ENOENT' || code === 'ENOTDIR') return {state: 'absent', path}
  return {state: 'unreadable', ...unreadable(path, code)}
}

async function attempt<T>(path: string, work: () => Promise<T>): Promise<FileRead<T>> {
  try {
    return {state: 'present', path, value: await work()}
  } catch (error) {
    return classifyReadError(path, error)
  }
}

/** The value of a present read, else null (absent and unreadable alike: use only after recording why). */
export function valueOf<T>(read: FileRead<T>): T | null {
  return read.state === 'present' ? read.value : null
}

/** /dev/null (major 1, minor 3): systemd masks a file by linking it there, and reads it as empty. */
const isDevNull = (info: RootStats) => info.isCharacterDevice() && info.rdev === 0x103

/**
 * Reads a text file of the audited system (at most `max` bytes). A non-regular file is never
 * opened for reading, so a FIFO planted in an image cannot hang the audit; /proc files (size 0)
 * are read to their end.
 */
export async function readTextIn(root: string, path: string, max = MAX_TEXT_BYTES): Promise<FileRead<string>> {
  return attempt(path, async () => {
    const fs = rootFsOf(root)
    try {
      return (await fs.read(path, max)).data.toString('utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EFTYPE' && isDevNull(await fs.stat(path))) return ''
      throw error
    }
  })
}

/** stat() of a path of the audited system, following links inside the root. */
export async function statIn(root: string, path: string): Promise<FileRead<RootStats>> {
  return attempt(path, async () => rootFsOf(root).stat(path))
}

/**
 * lstat() of a path of the audited system (the link itself, not its target). The parent is
 * resolved inside the root, so a linked parent directory never leads out of it.
 */
async function lstatIn(root: string, path: string): Promise<FileRead<RootStats>> {
  return attempt(path, async () => rootFsOf(root).lstat(path))
}

/** Entry names of a directory of the audited system, sorted. */
export async function listDirIn(root: string, path: string): Promise<FileRead<string[]>> {
  return attempt(path, async () => (await rootFsOf(root).readdir(path)).map((e) => e.name).sort())
}

/** A configuration file and its text. */
export interface TextFile {
  path: string
  text: string
}

/**
 * Reads paths of the audited system for one fact and remembers the ones that could not be read,
 * so the fact can say it is incomplete. Its methods return null / [] for absent and unreadable
 * paths alike; callers that must tell them apart use readTextIn & co directly.
 */
export class RootReader {
  readonly unreadable: Unreadable[] = []

  constructor(readonly root: string) {}

  /** Records a read's unreadable outcome and returns its value (null unless present). */
  keep<T>(read: FileRead<T>): T | null {
    if (read.state === 'unreadable') this.note(whyUnreadable(read))
    return valueOf(read)
  }

  /** Records inputs another fact could not read (facts built on other facts inherit their gaps). */
  note(...entries: Unreadable[]): void {
    for (const entry of entries) if (!this.unreadable.some((u) => u.path === entry.path)) this.unreadable.push(entry)
  }

  async text(path: string, max?: number): Promise<string | null> {
    return this.keep(await readTextIn(this.root, path, max))
  }

  async stat(path: string): Promise<RootStats | null> {
    return this.keep(await statIn(this.root, path))
  }

  async lstat(path: string): Promise<RootStats | null> {
    return this.keep(await lstatIn(this.root, path))
  }

  /** The target of a symbolic link (its parent resolved inside the root); null when it is none or unreadable. */
  async readlink(path: string): Promise<string | null> {
    return this.keep(await attempt(path, async () => rootFsOf(this.root).readlink(path)))
  }

  async list(path: string): Promise<string[]> {
    return this.keep(await listDirIn(this.root, path)) ?? []
  }

  /**
   * The drop-ins of layered directories (lowest precedence first: /usr/lib, /run, /etc) as
   * systemd, sysctl.d(5) and modprobe.d(5) read them: one list in file-name order across the
   * directories, a file of a later directory replacing the same name in an earlier one (so an
   * empty file or a /dev/null link in /etc masks a vendor file).
   */
  async layeredDropIns(dirs: string[], suffix = '.conf'): Promise<TextFile[]> {
    const byName = new Map<string, TextFile>()
    for (const dir of dirs) {
      for (const name of await this.list(dir)) {
        if (!name.endsWith(suffix)) continue
        const path = posix.join(dir, name)
        const masked = (await this.lstat(path))?.isSymbolicLink() && (await this.readlink(path)) === '/dev/null'
        const text = masked ? '' : await this.text(path)
        if (text !== null) byName.set(name, {path, text})
      }
    }
    return [...byName.keys()].sort().map((name) => byName.get(name)!)
  }

  /** Reads every `*.conf`-like file of a directory in name order (drop-in directories). */
  async dropIns(dir: string, suffix = '.conf'): Promise<TextFile[]> {
    const names = (await this.list(dir)).filter((name) => name.endsWith(suffix))
    return this.texts(names.map((name) => posix.join(dir, name)))
  }

  /** The files of `paths` that exist, in that order. */
  async texts(paths: string[]): Promise<TextFile[]> {
    const out: TextFile[] = []
    for (const path of paths) {
      const text = await this.text(path)
      if (text !== null) out.push({path, text})
    }
    return out
  }
}

/** Formats a file mode as four octal digits (0644). */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0')
}

/** Lines of a config file without comments and blank lines. */
export function configLines(text: string, comment = /^\s*[#;]/): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !comment.test(line))
}
