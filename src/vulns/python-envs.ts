import {posix} from 'node:path'

import {append, mapLimited} from '../core/arrays.js'

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
/**
 * Directories never worth descending into while looking for environments: other toolchains'
 * package stores (npm, Cargo, rustup, Maven, Gradle) hold thousands of directories and no Python
 * environment (a Maven repository alone was 40% of the directories listed on a build host).
 */
const SKIP = new Set([
  'node_modules',
  '.git',
  '.cache',
  '__pycache__',
  'proc',
  'sys',
  'dev',
  '.npm',
  '.cargo',
  '.rustup',
  '.m2',
  '.gradle',
])
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

/** Directories listed at once while looking for environments (each listing waits on the disk, not the CPU). */
const LIST_AT_ONCE = 32

/**
 * Finds site-packages/dist-packages directories under the usual places, bounded in count and depth.
 * Breadth first, LIST_AT_ONCE directories listed at a time: the order found and where the limit
 * stops are those of listing one directory after another.
 */
export async function findSitePackages(root: string, notes: VulnNote[]): Promise<SitePackages[]> {
  const found: SitePackages[] = []
  let visited = 0
  for (const [base, depth] of SEARCH) {
    const queue: [string, number][] = [[base, 0]]
    for (let at = 0; at < queue.length;) {
      const batch = queue.slice(at, at + Math.min(LIST_AT_ONCE, MAX_DIRECTORIES - visited + 1))
      at += batch.length
      const listings = await mapLimited(batch, LIST_AT_ONCE, async ([dir]) => {
        const listNotes: VulnNote[] = []
        return {entries: await listRootDir(root, dir, listNotes), listNotes}
      })
      for (const [i, [dir, level]] of batch.entries()) {
        if (++visited > MAX_DIRECTORIES) {
          notes.push({
            code: 'limit-reached',
            subject: base,
            message: `stopped looking for Python environments after ${MAX_DIRECTORIES} directories`,
          })
          return found
        }
        append(notes, listings[i].listNotes)
        for (const entry of listings[i].entries) {
          if (!entry.isDirectory() || SKIP.has(entry.name)) continue
          const path = posix.join(dir, entry.name)
          if (SITE_DIRS.has(entry.name)) found.push({path, environment: environmentOf(path)})
          else if (level + 1 < depth) queue.push([path, level + 1])
        }
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
  // Read LIST_AT_ONCE at a time; packages and notes are kept in the listing's order.
  const reads = await mapLimited(await listRootDir(root, site.path, notes), LIST_AT_ONCE, async (entry) => {
    const file = await metadataFile(root, site.path, entry)
    return file ? {file, read: await readRootFile(root, file, MAX_METADATA_BYTES)} : null
  })
  for (const item of reads) {
    if (!item) continue
    const {file, read} = item
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
