import {copyFile, lstat, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runTool} from '../core/exec.js'
import {resolveInRoot} from '../core/root-path.js'
import {append} from '../core/arrays.js'
import {listRootDir} from './root-files.js'
import type {VulnNote} from './vulns.types.js'

/** Where RHEL-family systems keep the rpm database (the second on rpm ≥ 4.16 layouts). */
const RPM_DATABASES = ['/var/lib/rpm', '/usr/lib/sysimage/rpm']
/** The file that marks a directory as an rpm database: SQLite (rpm ≥ 4.16), Berkeley DB, or SUSE's ndb. */
const DB_MARKER = /^(rpmdb\.sqlite|Packages(\.db)?)$/
/** Largest database copied for reading, and most files in its directory. */
const MAX_DB_BYTES = 1024 * 1024 * 1024
const MAX_DB_FILES = 200
const MAX_PACKAGES = 200_000
const QUERY_TIMEOUT_MS = 120_000
const FIELD = /^[\w.+~^:%-]{1,200}$/
const QUERY_FORMAT = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n'

/** One package of an rpm database. */
export interface RpmPackage {
  name: string
  epoch: number
  /** The upstream version (`1.16.1`), without epoch or release. */
  version: string
  release: string
  arch: string
  /** The database directory inside the root. */
  location: string
}

/** What the rpm databases of a root hold, and what could not be read (OS and product notes apart). */
export interface RpmRead {
  packages: RpmPackage[]
  notes: {os: VulnNote[]; product: VulnNote[]}
}

/** `epoch:version-release` as rpm prints it (the epoch only when set). */
export function rpmEvr(pkg: RpmPackage): string {
  return `${pkg.epoch ? `${pkg.epoch}:` : ''}${pkg.version}-${pkg.release}`
}

/** Parses `rpm -qa` output in QUERY_FORMAT; a line that does not fit is counted, never guessed at. */
export function parseRpmQuery(output: string, location: string): {packages: RpmPackage[]; bad: number} {
  const packages: RpmPackage[] = []
  let bad = 0
  for (const line of output.split('\n')) {
    if (!line) continue
    const fields = line.split('\t')
    if (fields.length !== 5 || !fields.every((f) => FIELD.test(f)) || !/^\d{1,9}$/.test(fields[1])) {
      bad++
      continue
    }
    if (packages.length >= MAX_PACKAGES) break
    const [name, epoch, version, release, arch] = fields
    packages.push({name, epoch: Number(epoch), version, release, arch, location})
  }
  return {packages, bad}
}

/** Copies the database files of one directory to a private directory (the inspected root is never written). */
async function copyDatabase(root: string, dir: string, names: string[]): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'llmsec-rpmdb-'))
  let total = 0
  for (const name of names.slice(0, MAX_DB_FILES)) {
    const source = await resolveInRoot(root, `${dir}/${name}`)
    const info = await lstat(source)
    if (!info.isFile()) continue
    total += info.size
    if (total > MAX_DB_BYTES) throw new Error(`the database is larger than ${MAX_DB_BYTES / 1024 ** 3} GiB`)
    await copyFile(source, join(copy, name))
  }
  return copy
}

function unreadNotes(dir: string, reason: string): RpmRead['notes'] {
  const what = `${dir} holds an rpm database that could not be read (${reason})`
  return {
    os: [{code: 'not-supported', subject: dir, message: `${what}: the versions of its OS packages are unknown`}],
    product: [
      {
        code: 'not-supported',
        subject: dir,
        message: `${what}: an NVIDIA driver or container toolkit installed by rpm would not be seen`,
      },
    ],
  }
}

/** Reads one rpm database with the system's rpm tool (through the exec wrapper) on a private copy. */
async function readDatabase(root: string, dir: string, names: string[]): Promise<RpmRead> {
  let copy: string | null = null
  try {
    copy = await copyDatabase(root, dir, names)
    const result = await runTool('rpm', ['--dbpath', copy, '-qa', '--qf', QUERY_FORMAT], {
      timeoutMs: QUERY_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
      env: {LC_ALL: 'C'},
    })
    if (result.status !== 'ok' || (!result.stdout && result.stderr.trim()))
      return {
        packages: [],
        notes: unreadNotes(dir, result.reason ?? (result.stderr.trim().split('\n')[0] || 'rpm failed')),
      }
    const {packages, bad} = parseRpmQuery(result.stdout, dir)
    const os: VulnNote[] = [
      {
        code: 'not-supported',
        subject: dir,
        message: `${dir}: ${packages.length} rpm packages read; pending security updates of rpm packages are not judged (llmsec reads no RHEL-family update metadata)`,
      },
    ]
    if (bad)
      os.push({
        code: 'input-malformed',
        subject: dir,
        message: `${dir}: ${bad} rpm entries were not name/epoch/version/release/arch`,
      })
    return {packages, notes: {os, product: []}}
  } catch (error) {
    return {packages: [], notes: unreadNotes(dir, (error as Error).message)}
  } finally {
    if (copy) await rm(copy, {recursive: true, force: true})
  }
}

/** The rpm databases of a root (RHEL, Fedora, SUSE families); none on a Debian root. */
export async function readRpmDatabases(root: string): Promise<RpmRead> {
  const out: RpmRead = {packages: [], notes: {os: [], product: []}}
  const seen = new Set<string>()
  for (const dir of RPM_DATABASES) {
    const entries = await listRootDir(root, dir, out.notes.os)
    if (!entries.some((e) => DB_MARKER.test(e.name))) continue
    // Fedora links /var/lib/rpm to /usr/lib/sysimage/rpm: one database, read once.
    const real = await resolveInRoot(root, dir)
    if (seen.has(real)) continue
    seen.add(real)
    const names = entries.filter((e) => e.isFile() && e.name !== '.rpm.lock').map((e) => e.name)
    const read = await readDatabase(root, dir, names)
    append(out.packages, read.packages)
    append(out.notes.os, read.notes.os)
    append(out.notes.product, read.notes.product)
  }
  return out
}
