import {posix} from 'node:path'
import {gunzipSync} from 'node:zlib'

import * as lz4 from 'lz4js'

import {compareParsedDebianVersions, parseDebianVersion, type DebianVersion} from '../core/deb-version.js'
import {listRootDir, readRootFile, unreadableNote} from './root-files.js'
import type {InstalledPackage, VulnFinding, VulnNote} from './vulns.types.js'

const DPKG_STATUS = '/var/lib/dpkg/status'
const APT_LISTS = '/var/lib/apt/lists'
/** dpkg status files of very large hosts stay well under this. */
const MAX_STATUS_BYTES = 128 * 1024 * 1024
/** One Packages list (uncompressed); Debian's main list is about 70 MiB. */
const MAX_LIST_BYTES = 256 * 1024 * 1024
/** Longest field value kept from a stanza (names and versions are short). */
const MAX_FIELD = 512

/** The fields of one deb822 stanza that llmsec reads. */
interface Stanza {
  Package?: string
  Version?: string
  Status?: string
  Architecture?: string
  Source?: string
}
const FIELDS = new Set(['Package', 'Version', 'Status', 'Architecture', 'Source'])

const FIELD_NAMES = [...FIELDS] as (keyof Stanza)[]

/** The field a line `start..colon` names, if it is one llmsec reads (compared in place, no copy of the line). */
function fieldAt(text: string, start: number, colon: number): keyof Stanza | undefined {
  for (const name of FIELD_NAMES) if (colon - start === name.length && text.startsWith(name, start)) return name
  return undefined
}

/** Whether a character may be white space to String.prototype.trim (a superset: such lines take the slow path). */
function maybeSpace(code: number): boolean {
  return code <= 0x20 || code === 0xa0 || code >= 0x1680
}

/**
 * Splits deb822 text (dpkg status, apt Packages lists) into stanzas, keeping only the fields above.
 * One pass over the lines; continuation lines and unknown fields are skipped, over-long values cut.
 * A line is read in place: only the values kept are copied (Debian's lists run to millions of lines).
 */
export function* readStanzas(text: string): Generator<Stanza> {
  let stanza: Stanza = {}
  let nextColon = -1
  let any = false
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    let stop = Math.min(end, start + MAX_FIELD + 64)
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--
    const first = start < stop ? text.charCodeAt(start) : -1
    const lineStart = start
    start = end + 1
    // An empty line, or one that starts with white space: a stanza break when it is blank, else a continuation.
    if (first === -1 || (maybeSpace(first) && text.slice(lineStart, stop).trim() === '')) {
      if (any) yield stanza
      stanza = {}
      any = false
      continue
    }
    if (first === 32 || first === 9 || first === 35) continue
    // The next colon at or after this line, found again only once passed: lines without one do not
    // each search the rest of the text (that was quadratic in a run of such lines).
    if (nextColon < lineStart) {
      const found = text.indexOf(':', lineStart)
      nextColon = found < 0 ? text.length + 1 : found
    }
    const colon = nextColon
    if (colon <= lineStart || colon >= stop) continue
    const key = fieldAt(text, lineStart, colon)
    if (!key) continue
    stanza[key] = text.slice(colon + 1, Math.min(colon + 1 + MAX_FIELD, stop)).trim()
    any = true
  }
  if (any) yield stanza
}

const INSTALLED = /^\S+\s+\S+\s+(installed|half-configured|unpacked|half-installed|triggers-awaited|triggers-pending)$/

/** A dpkg package with its parsed version (null when it does not parse). */
export interface DpkgPackage extends InstalledPackage {
  architecture: string
  parsed: DebianVersion | null
}

/**
 * Installed packages from dpkg status text. A stanza without a name is skipped; an installed one
 * whose version is missing or not Debian-valid is kept with a `version-unparsable` note, so it is
 * never judged as up to date.
 */
export function parseDpkgStatus(text: string, location = DPKG_STATUS): {packages: DpkgPackage[]; notes: VulnNote[]} {
  const packages: DpkgPackage[] = []
  const notes: VulnNote[] = []
  for (const stanza of readStanzas(text)) {
    if (!stanza.Package || !INSTALLED.test(stanza.Status ?? '')) continue
    const version = stanza.Version ?? ''
    const parsed = parseDebianVersion(version)
    if (!parsed) notes.push(unparsable(stanza.Package, version, 'Debian'))
    packages.push({
      source: 'dpkg',
      ecosystem: 'Debian',
      name: stanza.Package,
      version,
      location,
      architecture: stanza.Architecture ?? 'all',
      sourcePackage: stanza.Source?.split(/\s+/)[0] || stanza.Package,
      services: [],
      parsed,
    })
  }
  return {packages, notes}
}

/** The note for a version that cannot be compared. */
export function unparsable(name: string, version: string, scheme: string): VulnNote {
  const shown = version.length > 80 ? `${version.slice(0, 80)}…` : version
  return {
    code: 'version-unparsable',
    subject: name,
    message: `${name}: version ${JSON.stringify(shown)} is not a valid ${scheme} version; it was not compared`,
  }
}

/** Reads the root's dpkg status: packages, or none with a note when it exists but cannot be read. */
export async function readDpkgStatus(
  root: string,
): Promise<{packages: DpkgPackage[]; notes: VulnNote[]; found: boolean}> {
  const read = await readRootFile(root, DPKG_STATUS, MAX_STATUS_BYTES)
  if (read.state === 'absent') return {packages: [], notes: [], found: false}
  if (read.state === 'unreadable') return {packages: [], notes: [unreadableNote(DPKG_STATUS, read.code)], found: true}
  const result = parseDpkgStatus(read.data.toString('utf8'))
  if (read.truncated) result.notes.push(limitNote(DPKG_STATUS, MAX_STATUS_BYTES))
  return {...result, found: true}
}

function limitNote(path: string, max: number): VulnNote {
  return {code: 'limit-reached', subject: path, message: `${path} is larger than ${max} bytes; only the start was read`}
}

/** The newest version of each package in the security lists, by name and architecture. */
type SecurityIndex = Map<string, {version: string; parsed: DebianVersion; list: string}>

function indexKey(name: string, arch: string): string {
  return `${name}\0${arch}`
}

/** Decodes a list as apt stores it: plain, gzip or lz4 (apt's default with compressed indexes). */
function decodeList(path: string, data: Buffer): string {
  if (path.endsWith('.gz')) return gunzipSync(data, {maxOutputLength: MAX_LIST_BYTES}).toString('utf8')
  if (!path.endsWith('.lz4')) return data.toString('utf8')
  const bound = Number(lz4.decompressBound(data) as unknown)
  if (!Number.isSafeInteger(bound) || bound < 0 || bound > MAX_LIST_BYTES)
    throw new Error('the lz4 frame size is invalid or too large')
  const out = Buffer.alloc(bound)
  return out.subarray(0, Math.min(bound, lz4.decompressFrame(data, out))).toString('utf8')
}

async function readList(root: string, path: string, notes: VulnNote[]): Promise<string | null> {
  const read = await readRootFile(root, path, MAX_LIST_BYTES)
  if (read.state === 'absent') return null
  if (read.state === 'unreadable') {
    notes.push(unreadableNote(path, read.code))
    return null
  }
  try {
    return decodeList(path, read.data)
  } catch (error) {
    notes.push({
      code: 'input-malformed',
      subject: path,
      message: `${path} cannot be decoded: ${(error as Error).message}`,
    })
    return null
  }
}

/** The security suite's Packages lists under /var/lib/apt/lists, read into one index. */
export async function readSecurityLists(
  root: string,
  notes: VulnNote[],
): Promise<{index: SecurityIndex; lists: string[]}> {
  const index: SecurityIndex = new Map()
  const lists: string[] = []
  for (const entry of await listRootDir(root, APT_LISTS, notes)) {
    const name = entry.name
    if (!/security/i.test(name) || !/_Packages(\.\w+)?$/.test(name)) continue
    const path = posix.join(APT_LISTS, name)
    if (!/_Packages(\.gz|\.lz4)?$/.test(name)) {
      notes.push({
        code: 'not-supported',
        subject: path,
        message: `${path}: this compression is not read; run apt-get update without compressed indexes`,
      })
      continue
    }
    const text = await readList(root, path, notes)
    if (text === null) continue
    lists.push(path)
    for (const stanza of readStanzas(text)) addToIndex(index, stanza, path)
  }
  return {index, lists}
}

function addToIndex(index: SecurityIndex, stanza: Stanza, list: string): void {
  const parsed = parseDebianVersion(stanza.Version ?? '')
  if (!stanza.Package || !parsed) return
  const key = indexKey(stanza.Package, stanza.Architecture ?? 'all')
  const known = index.get(key)
  if (!known || compareParsedDebianVersions(parsed, known.parsed) > 0)
    index.set(key, {version: stanza.Version!, parsed, list})
}

/**
 * Installed packages that the security suite has a newer version of: the pending security
 * updates, as `apt-get upgrade` would install them from the security lists alone.
 */
export function pendingSecurityUpdates(packages: DpkgPackage[], index: SecurityIndex): VulnFinding[] {
  const findings: VulnFinding[] = []
  for (const pkg of packages) {
    if (!pkg.parsed) continue
    const candidate = index.get(indexKey(pkg.name, pkg.architecture)) ?? index.get(indexKey(pkg.name, 'all'))
    if (!candidate || compareParsedDebianVersions(candidate.parsed, pkg.parsed) <= 0) continue
    const suite = /dists_([^_]+)_/.exec(candidate.list)?.[1] ?? 'the security suite'
    findings.push({
      kind: 'security-update',
      severity: 'high',
      package: pkg.name,
      ecosystem: 'Debian',
      installed: pkg.version,
      fixedIn: candidate.version,
      ids: [],
      summary: `security update ${candidate.version} is available from ${suite} (${candidate.list}) and not installed`,
      references: [],
      location: pkg.location,
      environment: null,
      services: pkg.services,
    })
  }
  return findings
}
