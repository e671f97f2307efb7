import {stat} from 'node:fs/promises'
import {isAbsolute, join, relative, resolve, sep} from 'node:path'

import {fsError} from '../core/errors.js'
import {canonicalizeRelative, createIgnoreMatcher, normalizeIgnorePath} from './paths.js'

export interface ModelTarget {
  /** Absolute model path. */
  root: string
  isDirectory: boolean
  /** Absolute path of the signature bundle. */
  signaturePath: string
  /** The signature file's name relative to the model root, when it lies inside it. */
  signatureName?: string
}

/** Resolves the model path and its signature file (default <dir>/model.sig or <file>.sig). */
export async function resolveTarget(modelPath: string, signature?: string): Promise<ModelTarget> {
  const root = resolve(modelPath)
  let isDirectory: boolean
  try {
    isDirectory = (await stat(root)).isDirectory()
  } catch (error) {
    throw fsError(error, modelPath)
  }
  const signaturePath = resolve(signature ?? (isDirectory ? join(root, 'model.sig') : `${root}.sig`))
  const rel = relative(root, signaturePath)
  const inside = isDirectory && rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
  return {
    root,
    isDirectory,
    signaturePath,
    signatureName: inside ? canonicalizeRelative(rel.split(sep).join('/')) : undefined,
  }
}

/**
 * The matcher for files left out of the manifest: the given ignore paths (git paths,
 * recorded and user paths, as the caller merged them) and the signature file itself.
 */
export function ignoreMatcherFor(target: ModelTarget, ignorePaths: string[]): (name: string) => boolean {
  if (!target.isDirectory) return () => false
  const all = [...ignorePaths]
  if (target.signatureName) all.push(target.signatureName)
  return createIgnoreMatcher(all)
}

/** Normalizes the user's --ignore-paths entries against the model root. */
export function userIgnorePaths(target: ModelTarget, entries: string[] = []): string[] {
  return entries.map((entry) => normalizeIgnorePath(entry, target.root))
}
