import {posix} from 'node:path'

import {unparsable} from './dpkg.js'
import {normalizePythonName, publicPep440} from './pep440.js'
import {listRootDir, readRootFile, unreadableNote} from './root-files.js'
import type {InstalledPackage, VulnNote} from './vulns.types.js'

/** Where Python environments live, and how deep below each to look for site-packages. */
const SEARCH: [string, number][] = [
  ['/usr/lib', 3],
  ['/usr/local/lib', 3],
  ['/opt', 7],
  ['/srv', 7],
  ['/app', 6],
  ['/workspace', 6],
  ['/root', 7],
  ['/home', 8],
]
const SITE_DIRS = new Set(['site-packages', 'dist-packages'])
/** Directories never worth descending into while looking for environments. */
const SKIP = new Set(['node_modules', '.git', '.cache', '__pycache__', 'proc', 'sys', 'dev', '.npm', '.cargo'])
const MAX_DIRECTORIES = 50_000
const MAX_METADATA_BYTES = 256 * 1024

/** A site-packages directory and the environment prefix it belongs to. */
export interface SitePackages {
  path: string
  environment: string
}

/** The environment prefix of a site-packages path: `/opt/x/venv/lib/python3.11/site-packages` → `/opt/x/venv`. */
export function environmentOf(sitePackages: string): string {
  const lib = posix.dirname(posix.dirname(sitePackages))
  return posix.basename(lib) === 'lib' || posix.basename(lib) === 'lib64' ? posix.dirname(lib) : lib
}

/** Finds site-packages/dist-packages directories under the usual places, bounded in count and depth. */
export async function findSitePackages(root: string, notes: VulnNote[]): Promise<SitePackages[]> {
  const found: SitePackages[] = []
  let visited = 0
  for (const [base, depth] of SEARCH) {
    const queue: [string, number][] = [[base, 0]]
    for (let i = 0; i < queue.length; i++) {
      const [dir, level] = queue[i]
      if (++visited > MAX_DIRECTORIES) {
        notes.push({
          code: 'limit-reached',
          subject: base,
          message: `stopped looking for Python environments after ${MAX_DIRECTORIES} directories`,
        })
        return found
      }
      for (const entry of await listRootDir(root, dir, notes)) {
        if (!entry.isDirectory() || SKIP.has(entry.name)) continue
        const path = posix.join(dir, entry.name)
        if (SITE_DIRS.has(entry.name)) found.push({path, environment: environmentOf(path)})
        else if (level + 1 < depth) queue.push([path, level + 1])
      }
    }
  }
  return found
}

/** The Name and Version headers of core metadata (METADATA, PKG-INFO): the header block only. */
export function parseCoreMetadata(text: string): {name: string | null; version: string | null} {
  let name: string | null = null
  let version: string | null = null
  for (const line of text.slice(0, MAX_METADATA_BYTES).split('\n', 400)) {
    if (line.trim() === '') break
    const match = /^(Name|Version):[ \t]*(.*?)\s*$/i.exec(line)
    if (match && match[1].toLowerCase() === 'name') name ??= match[2] || null
    else if (match) version ??= match[2] || null
  }
  return {name, version}
}

async function metadataFile(
  root: string,
  site: string,
  entry: {name: string; isDirectory(): boolean},
): Promise<string | null> {
  if (entry.name.endsWith('.dist-info')) return entry.isDirectory() ? posix.join(site, entry.name, 'METADATA') : null
  if (entry.name.endsWith('.egg-info'))
    return entry.isDirectory() ? posix.join(site, entry.name, 'PKG-INFO') : posix.join(site, entry.name)
  return null
}

/**
 * The distributions installed in one site-packages directory. A METADATA file that cannot be read
 * or names no package is a note; a version that is not PEP 440 is kept with a `version-unparsable`
 * note so it is never taken as fixed.
 */
export async function readSitePackages(
  root: string,
  site: SitePackages,
  notes: VulnNote[],
): Promise<InstalledPackage[]> {
  const packages: InstalledPackage[] = []
  for (const entry of await listRootDir(root, site.path, notes)) {
    const file = await metadataFile(root, site.path, entry)
    if (!file) continue
    const read = await readRootFile(root, file, MAX_METADATA_BYTES)
    if (read.state === 'unreadable') notes.push(unreadableNote(file, read.code))
    if (read.state !== 'present') continue
    const {name, version} = parseCoreMetadata(read.data.toString('utf8'))
    if (!name) {
      notes.push({code: 'input-malformed', subject: file, message: `${file} names no package (no Name: header)`})
      continue
    }
    const normalized = normalizePythonName(name)
    if (!version || publicPep440(version) === null)
      notes.push({...unparsable(normalized, version ?? '', 'PEP 440'), subject: `${normalized} (${site.path})`})
    packages.push({
      source: 'python',
      ecosystem: 'PyPI',
      name: normalized,
      version: version ?? '',
      location: site.path,
      environment: site.environment,
      services: [],
    })
  }
  return packages
}
