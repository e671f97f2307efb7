import {rootFsOf, type RootDirent} from '../core/root-fs.js'
import type {VulnNote} from './vulns.types.js'

/** A file of the inspected system: its bytes, absent, or unreadable with the errno name. */
export type RootRead =
  {state: 'present'; data: Buffer; truncated: boolean} | {state: 'absent'} | {state: 'unreadable'; code: string}

const ABSENT = new Set(['ENOENT', 'ENOTDIR'])

function errno(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'EIO'
}

/** Reads at most `max` bytes of a file inside the root (symlinks resolved inside it). */
export async function readRootFile(root: string, path: string, max: number): Promise<RootRead> {
  try {
    const {data, stats} = await rootFsOf(root).read(path, max)
    return {state: 'present', data, truncated: stats.size > max}
  } catch (error) {
    return ABSENT.has(errno(error)) ? {state: 'absent'} : {state: 'unreadable', code: errno(error)}
  }
}

/** Lists a directory inside the root; [] when absent, a note when unreadable. */
export async function listRootDir(root: string, path: string, notes: VulnNote[]): Promise<RootDirent[]> {
  try {
    return await rootFsOf(root).readdir(path)
  } catch (error) {
    if (!ABSENT.has(errno(error))) notes.push(unreadableNote(path, errno(error)))
    return []
  }
}

/** The note for a path that exists but could not be read. */
export function unreadableNote(path: string, code: string): VulnNote {
  return {code: 'input-unreadable', subject: path, message: `cannot read ${path} (${code})`}
}
