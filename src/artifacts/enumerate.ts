import type {Dirent} from 'node:fs'
import {lstat, readdir, realpath, stat} from 'node:fs/promises'
import {basename, isAbsolute, join, relative, resolve, sep} from 'node:path'

import {fsError} from '../core/errors.js'
import type {ModelFile} from './artifacts.types.js'
import {artifactsError} from './errors.js'
import {compareNames} from './paths.js'

export interface EnumerateOptions {
  /** Follow symlinks whose target is inside the model root (OMS allow_symlinks). */
  allowSymlinks: boolean
  /** Whether a canonical relative name is excluded (ignore paths, the signature file). */
  isIgnored: (name: string) => boolean
  /**
   * FIFOs, sockets and devices are errors, as in the reference; with 'collect' they are
   * returned in `special` instead (verify --ignore-unsigned-files only hashes signed files).
   */
  specialFiles?: 'error' | 'collect'
}

export interface EnumeratedModel {
  /** Absolute path of the model (directory or single file). */
  root: string
  /** True when the model is a single file. */
  singleFile: boolean
  /** Regular files, sorted by name in code point order. */
  files: ModelFile[]
  /** Names that matched an ignore rule (a directory once, not each file in it), sorted. */
  ignored: string[]
  /** Special files found with specialFiles 'collect', sorted. */
  special: string[]
}

/** The resource name of a single-file model, as the reference writes it. */
export const SINGLE_FILE_NAME = '.'

/** Most directory entries llmsec accepts in one model; a bound against runaway trees. */
const MAX_FILES = 1_000_000

function checkUtf8(name: string, dir: string): void {
  // readdir decodes names as UTF-8 and turns invalid bytes into U+FFFD: such names
  // cannot be written losslessly into the JSON manifest, so OMS says to reject them.
  if (name.includes('\uFFFD')) {
    throw artifactsError('PATH_INVALID', `A file name in ${dir} is not valid UTF-8; rename it before signing.`)
  }
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

async function resolveLink(link: string, name: string, realRoot: string): Promise<string> {
  let target: string
  try {
    target = await realpath(link)
  } catch {
    throw artifactsError('SYMLINK_REFUSED', `Symlink ${name} is dangling (its target does not exist).`)
  }
  if (!isInside(realRoot, target)) {
    throw artifactsError(
      'SYMLINK_REFUSED',
      `Symlink ${name} points outside the model directory (to ${target}); refusing to follow it.`,
    )
  }
  return target
}

interface WalkState {
  options: EnumerateOptions
  realRoot: string
  files: ModelFile[]
  ignored: string[]
  special: string[]
  /** Real paths of directories being walked, to stop symlink cycles. */
  visited: Set<string>
}

async function listDir(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, {withFileTypes: true})
  } catch (error) {
    throw fsError(error, dir)
  }
}

async function walk(dir: string, prefix: string, state: WalkState): Promise<void> {
  for (const entry of await listDir(dir)) {
    checkUtf8(entry.name, dir)
    const name = prefix ? `${prefix}/${entry.name}` : entry.name
    if (state.options.isIgnored(name)) {
      state.ignored.push(name)
      continue
    }
    let path = join(dir, entry.name)
    let isDir = entry.isDirectory()
    let isFile = entry.isFile()
    if (entry.isSymbolicLink()) {
      if (!state.options.allowSymlinks) {
        throw artifactsError(
          'SYMLINK_REFUSED',
          `${name} is a symlink; llmsec does not follow symlinks unless --allow-symlinks is given.`,
        )
      }
      path = await resolveLink(path, name, state.realRoot)
      const info = await stat(path)
      isDir = info.isDirectory()
      isFile = info.isFile()
    }
    if (isDir) {
      const real = await realpath(path)
      if (state.visited.has(real)) {
        throw artifactsError('SYMLINK_REFUSED', `Symlink cycle at ${name}: it leads back to a directory being signed.`)
      }
      state.visited.add(real)
      await walk(path, name, state)
      state.visited.delete(real)
    } else if (isFile) {
      if (state.files.length >= MAX_FILES) {
        throw artifactsError('PATH_INVALID', `The model has more than ${MAX_FILES} files; refusing to sign it.`)
      }
      state.files.push({name, path, size: (await stat(path)).size})
    } else {
      noteSpecial(name, state)
    }
  }
}

/** A FIFO, socket or device in the model: an error as in the reference, or collected. */
function noteSpecial(name: string, state: WalkState): void {
  if (state.options.specialFiles === 'collect') {
    state.special.push(name)
    return
  }
  throw artifactsError(
    'PATH_INVALID',
    `${name} is not a regular file or directory (a FIFO, socket or device); remove it or pass --ignore-paths ${name}.`,
  )
}

/**
 * Lists the regular files of a model (a directory or one file) with canonical names,
 * applying ignore rules and the symlink policy.
 */
export async function enumerateModel(modelPath: string, options: EnumerateOptions): Promise<EnumeratedModel> {
  const root = resolve(modelPath)
  let info
  try {
    info = await lstat(root)
  } catch (error) {
    throw fsError(error, modelPath)
  }
  if (info.isSymbolicLink()) {
    if (!options.allowSymlinks) {
      throw artifactsError('SYMLINK_REFUSED', `${modelPath} is a symlink; pass the real path or use --allow-symlinks.`)
    }
    info = await stat(root)
  }
  if (info.isFile()) {
    checkUtf8(basename(root), root)
    // The reference names a single file's resource "." (its path relative to itself).
    const file = {name: SINGLE_FILE_NAME, path: await realpath(root), size: info.size}
    return {root, singleFile: true, files: [file], ignored: [], special: []}
  }
  if (!info.isDirectory()) throw artifactsError('PATH_INVALID', `${modelPath} is neither a file nor a directory.`)
  const realRoot = await realpath(root)
  const state: WalkState = {options, realRoot, files: [], ignored: [], special: [], visited: new Set([realRoot])}
  await walk(root, '', state)
  state.files.sort((a, b) => compareNames(a.name, b.name))
  return {
    root,
    singleFile: false,
    files: state.files,
    ignored: state.ignored.sort(compareNames),
    special: state.special.sort(compareNames),
  }
}
