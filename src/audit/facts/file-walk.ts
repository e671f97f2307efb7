import {join, posix} from 'node:path'
import {setImmediate as yieldToLoop} from 'node:timers/promises'

import {isVirtualRoot, rootFsOf, type RootFs, type RootStats} from '../../core/root-fs.js'
import {unreadable as unreadableOf, type Unreadable} from '../../core/root-path.js'
import type {FactCache} from './cache.js'
import {parseMountTypes} from './mounts.js'
import {readTextIn} from './rootfs.js'

/** How far one walk may go before it stops (and the rules judging it report an error). */
export interface WalkBudget {
  /** Most entries lstat-ed (the root counts as one). */
  maxEntries: number
  /** Most milliseconds spent walking. */
  maxMs: number
}

export const DEFAULT_WALK_BUDGET: WalkBudget = {maxEntries: 2_000_000, maxMs: 600_000}

/** How many paths of each finding the evidence names. */
export const WALK_SAMPLE = 20

/** A finding: how many entries have it and the first WALK_SAMPLE of them (walk order), each with a note. */
export interface WalkFinding {
  count: number
  first: {path: string; note: string}[]
}

/** What one walk of the audited system's local filesystems found. */
export interface FileWalk {
  /** Entries lstat-ed. */
  entries: number
  ms: number
  /** Regular files others may write (o+w). */
  worldWritableFiles: WalkFinding
  /** Directories others may write without the sticky bit (anyone may delete or rename anyone's files). */
  openDirectories: WalkFinding
  /** Directories others may write that have the sticky bit. */
  stickyDirectories: number
  /** Entries (of any type) whose uid is not in the root's /etc/passwd or gid not in its /etc/group. */
  unowned: WalkFinding
  /** Mount points not entered, with the filesystem type (network, pseudo or read-only image). */
  skippedMounts: string[]
  /**
   * Directories that could not be listed or entries that could not be statted, and the budget
   * stop (ETOOMANY entries, ETIMEDOUT): the walk is incomplete, its rules must not pass.
   */
  unreadable: Unreadable[]
}

/** Trees that hold no files of the system's own on disk: kernel interfaces, device nodes and run-time state. */
export const PRUNED = ['/proc', '/sys', '/dev', '/run']

/**
 * Filesystem types not entered when mounted inside the walked tree: kernel pseudo filesystems,
 * network and FUSE filesystems (another host's files), and read-only images (squashfs snaps,
 * optical media), whose modes nobody on this host can change.
 */
const SKIPPED_TYPES =
  /^(proc|sysfs|devtmpfs|devpts|securityfs|debugfs|tracefs|bpf|pstore|efivarfs|configfs|fusectl|mqueue|hugetlbfs|autofs|binfmt_misc|selinuxfs|nsfs|rpc_pipefs|cgroup2?|nfs4?|nfsd|cifs|smb3?|smbfs|ncpfs|ceph|glusterfs|9p|afs|lustre|gpfs|beegfs|fuse(\..*)?|fuseblk|squashfs|iso9660|udf)$/

/** Unreadable entries kept (a non-root walk can meet thousands; a few name the problem, one is enough to error). */
const MAX_UNREADABLE = 1_000

/** Yield to the event loop after this many synchronous lstats, so timers and other checks run. */
const YIELD_EVERY = 2_000

/** The host's mount points under a directory root and their types (virtual roots have none). */
async function hostMounts(root: string): Promise<{types: Map<string, string>; unreadable?: Unreadable}> {
  if (isVirtualRoot(root)) return {types: new Map()}
  const read = await readTextIn('/', '/proc/self/mountinfo')
  if (read.state !== 'present') {
    const code = read.state === 'unreadable' ? read.code : 'ENOENT'
    return {types: new Map(), unreadable: unreadableOf('/proc/self/mountinfo', code)}
  }
  return {types: parseMountTypes(read.value)}
}

const emptyFinding = (): WalkFinding => ({count: 0, first: []})

function record(finding: WalkFinding, path: string, note: string): void {
  if (finding.first.length < WALK_SAMPLE) finding.first.push({path, note})
  finding.count++
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0')

/** Judges one entry against the three findings. */
function judge(walk: FileWalk, path: string, stats: RootStats, uids: Set<number>, gids: Set<number>): void {
  const otherWrite = (stats.mode & 0o002) !== 0
  if (otherWrite && stats.isFile()) record(walk.worldWritableFiles, path, octal(stats.mode))
  if (otherWrite && stats.isDirectory()) {
    if (stats.mode & 0o1000) walk.stickyDirectories++
    else record(walk.openDirectories, path, octal(stats.mode))
  }
  const badUid = !uids.has(stats.uid)
  const badGid = !gids.has(stats.gid)
  if (badUid || badGid)
    record(walk.unowned, path, [badUid ? `uid ${stats.uid}` : '', badGid ? `gid ${stats.gid}` : ''].join(' ').trim())
}

/** The ids the root's account databases know. */
async function knownIds(facts: FactCache): Promise<{uids: Set<number>; gids: Set<number>}> {
  const users = await facts.get('users')
  return {uids: new Set(users.users.map((u) => u.uid)), gids: new Set(users.groups.map((g) => g.gid))}
}

/** What one walk carries from directory to directory. */
interface WalkState {
  walk: FileWalk
  root: string
  fs: RootFs
  mounts: Map<string, string>
  uids: Set<number>
  gids: Set<number>
}

function noteUnreadable(walk: FileWalk, path: string, code: string): void {
  if (walk.unreadable.length < MAX_UNREADABLE) walk.unreadable.push(unreadableOf(path, code))
}

/**
 * Lists one directory, judges its entries in name order and returns its subdirectories to enter
 * (not PRUNED, not a mount point of SKIPPED_TYPES); 'stop' when the entry budget is spent.
 */
async function visit(state: WalkState, dir: string, budget: WalkBudget): Promise<string[] | 'stop'> {
  const {walk} = state
  let entries
  try {
    entries = await state.fs.listStats(dir, budget.maxEntries - walk.entries)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN'
    if (code === 'ETOOMANY') {
      stopWalk(
        walk,
        code,
        `the walk stopped at ${dir}: more than ${budget.maxEntries} entries; not every file was looked at`,
      )
      return 'stop'
    }
    // A directory gone since its parent was listed is absent; anything else hides its files.
    if (code !== 'ENOENT') noteUnreadable(walk, dir, code)
    return []
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  walk.entries += entries.length
  const subdirs: string[] = []
  for (const entry of entries) {
    const path = posix.join(dir, entry.name)
    if ('code' in entry) {
      noteUnreadable(walk, path, entry.code)
      continue
    }
    if (entry.stats.isDirectory() && !PRUNED.includes(path)) {
      const type = state.mounts.get(state.root === '/' ? path : join(state.root, path))
      if (type !== undefined && SKIPPED_TYPES.test(type)) walk.skippedMounts.push(`${path} (${type})`)
      else subdirs.push(path)
    }
    judge(walk, path, entry.stats, state.uids, state.gids)
  }
  return subdirs
}

/** Records why a walk stopped short: its rules then report an error. */
function stopWalk(walk: FileWalk, code: string, reason: string): void {
  walk.unreadable.push({path: '/', code, reason})
}

/** Why the walk must stop before the next directory (signal or time budget), else null. */
function stopReason(walk: FileWalk, deadline: number, budget: WalkBudget, signal?: AbortSignal): string | null {
  if (signal?.aborted) {
    stopWalk(
      walk,
      'EABORTED',
      `the walk was stopped after ${walk.entries} entries (the check timed out): not every file was looked at`,
    )
    return 'aborted'
  }
  if (performance.now() <= deadline) return null
  stopWalk(
    walk,
    'ETIMEDOUT',
    `the walk stopped after ${budget.maxMs} ms (${walk.entries} entries): not every file was looked at`,
  )
  return 'timed out'
}

const newWalk = (unreadable: Unreadable[]): FileWalk => ({
  entries: 0,
  ms: 0,
  worldWritableFiles: emptyFinding(),
  openDirectories: emptyFinding(),
  stickyDirectories: 0,
  unowned: emptyFinding(),
  skippedMounts: [],
  unreadable,
})

/**
 * Walks the audited system from `/` depth first, lstat only (a link is judged as a link and never
 * followed), each directory's entries in name order and then its subdirectories in name order (so
 * the first paths reported are the same every run). Mount points come from this machine's
 * mountinfo: under --root a mount below the root directory is seen there. Stops at the budget or
 * when `signal` aborts, recording why in `unreadable`.
 */
async function walkTree(facts: FactCache, budget: WalkBudget, signal?: AbortSignal): Promise<FileWalk> {
  const started = performance.now()
  const root = facts.env.root
  const mounts = await hostMounts(root)
  const state: WalkState = {
    walk: newWalk(mounts.unreadable ? [mounts.unreadable] : []),
    root,
    fs: rootFsOf(root),
    mounts: mounts.types,
    ...(await knownIds(facts)),
  }
  const {walk} = state
  walk.entries = 1
  judge(walk, '/', await state.fs.lstat('/'), state.uids, state.gids)
  const stack = ['/']
  for (let yielded = 0; stack.length;) {
    if (walk.entries - yielded >= YIELD_EVERY) {
      yielded = walk.entries
      await yieldToLoop()
    }
    if (stopReason(walk, started + budget.maxMs, budget, signal)) break
    const subdirs = await visit(state, stack.pop()!, budget)
    if (subdirs === 'stop') break
    // Pushed in reverse, popped in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i])
  }
  return {...walk, ms: Math.round(performance.now() - started)}
}

/**
 * The one walk of the audited system for this run (per budget): the rules on world-writable
 * files, directories without the sticky bit and unowned files share it. The first caller's
 * signal stops it (they start together and share the check timeout).
 */
export function fileWalk(facts: FactCache, budget: WalkBudget, signal?: AbortSignal): Promise<FileWalk> {
  return facts.once(`file-walk:${budget.maxEntries}:${budget.maxMs}`, () => walkTree(facts, budget, signal))
}
