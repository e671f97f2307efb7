import {matchesGlob} from '../core/glob.js'
import {SEVERITIES, mostSevereFirst, worstSeverity, type Severity} from '../core/severity.js'
import {parseOsRelease} from '../hardware/index.js'
import {loadAdvisoryDb, type AdvisoryDb, type DbEntry} from './db.js'
import {pendingSecurityUpdates, readDpkgStatus, readSecurityLists} from './dpkg.js'
import {comparatorFor, fixedVersion, judgeAffected, recordSeverity} from './osv.js'
import {findProducts, productServices} from './products.js'
import {findSitePackages, readSitePackages} from './python-envs.js'
import {readRootFile} from './root-files.js'
import {readRpmDatabases} from './rpm.js'
import {environmentsUsedBy, serviceUse} from './services.js'
import type {
  InstalledPackage,
  PythonEnvironment,
  ServiceStart,
  VulnArea,
  VulnFinding,
  VulnNote,
  VulnReport,
} from './vulns.types.js'
import {append, mapLimited} from '../core/arrays.js'

export interface VulnScanOptions {
  /** The inspected system's root ('/' for this host). */
  root: string
  /** Whether the root is the running host (binaries may be run with --version). */
  live?: boolean
  /**
   * Program starts of the system (systemd units, processes) to tie packages to services; a promise
   * is awaited only once the packages are read, so finding the services overlaps reading them.
   */
  services?: ServiceStart[] | Promise<ServiceStart[]>
  /** --db sources (directories or zips of OSV records). */
  dbPaths?: string[]
  /** Advisory ids to report but not count (--ignore, waivers). */
  ignore?: VulnIgnore[]
  now?: number
}

/** An advisory id silenced by --ignore or a waiver; a finding is silenced when any of its ids is. */
export interface VulnIgnore {
  id: string
  by: 'flag' | 'waiver'
  reason: string
  /** A glob on the finding's environment or location (waivers' `path`). */
  path?: string
  /** YYYY-MM-DD: past it the waiver no longer silences anything (a `waiver-expired` note says so). */
  expires?: string
}

function ignoreMatches(ignore: VulnIgnore, finding: VulnFinding): boolean {
  if (!finding.ids.some((id) => id.toUpperCase() === ignore.id.toUpperCase())) return false
  return !ignore.path || matchesGlob(finding.environment ?? finding.location, ignore.path)
}

function applyIgnores(findings: VulnFinding[], ignores: VulnIgnore[], now: number): VulnNote[] {
  const today = new Date(now).toISOString().slice(0, 10)
  const notes: VulnNote[] = []
  for (const finding of findings) {
    for (const ignore of ignores.filter((i) => ignoreMatches(i, finding))) {
      if (ignore.expires && ignore.expires < today) {
        const message = `the waiver of ${ignore.id} for ${finding.package} expired on ${ignore.expires}; the finding stands`
        notes.push({code: 'waiver-expired', subject: ignore.id, message})
      } else finding.ignored ??= {by: ignore.by, reason: ignore.reason}
    }
  }
  return notes
}

/** The Debian release of the root (`12`), for OSV's `Debian:12` records; null when not Debian. */
async function debianRelease(root: string): Promise<string | null> {
  const read = await readRootFile(root, '/etc/os-release', 64 * 1024)
  if (read.state !== 'present') return null
  const fields = parseOsRelease(read.data.toString('utf8'))
  return fields.get('ID') === 'debian' ? (fields.get('VERSION_ID')?.split('.')[0] ?? null) : null
}

/** The keys a package is looked up under in the advisory index. */
function keysOf(pkg: InstalledPackage, release: string | null): string[] {
  if (pkg.ecosystem !== 'Debian') return [`${pkg.ecosystem}\0${pkg.name}`]
  return release ? [`Debian:${release}\0${pkg.sourcePackage ?? pkg.name}`] : []
}

/** The distributions of every Python environment, in the order their site-packages were found. */
async function findPythonPackages(root: string, notes: VulnNote[]) {
  const sites = await findSitePackages(root, notes)
  const packages: InstalledPackage[] = []
  const byEnv = new Map<string, PythonEnvironment>()
  // Sites are read at the same time (each waits on the disk); their packages and notes keep the sites' order.
  const reads = await mapLimited(sites, 8, async (site) => {
    const siteNotes: VulnNote[] = []
    return {found: await readSitePackages(root, site, siteNotes), siteNotes}
  })
  for (const [i, site] of sites.entries()) {
    const env = byEnv.get(site.environment) ?? {path: site.environment, sitePackages: [], packages: 0, services: []}
    const {found, siteNotes} = reads[i]
    append(notes, siteNotes)
    env.sitePackages.push(site.path)
    env.packages += found.length
    byEnv.set(site.environment, env)
    append(packages, found)
  }
  return {packages, byEnv}
}

/** Ties each environment, and so its packages, to the services that start from it. */
async function tieEnvironments(
  root: string,
  {packages, byEnv}: Awaited<ReturnType<typeof findPythonPackages>>,
  starts: ServiceStart[],
) {
  for (const start of starts) {
    for (const path of await environmentsUsedBy(root, start, [...byEnv.keys()]))
      byEnv.get(path)?.services.push(serviceUse(start))
  }
  for (const pkg of packages) pkg.services = byEnv.get(pkg.environment!)?.services ?? []
  return {packages, environments: [...byEnv.values()]}
}

/** The finding for one installed package and the advisories that hold its version (null when none). */
function judgePackage(pkg: InstalledPackage, entries: DbEntry[], notes: VulnNote[]): VulnFinding | null {
  const matched: DbEntry[] = []
  for (const entry of entries) {
    const ecosystem = entry.affected.package?.ecosystem ?? pkg.ecosystem
    const verdict = judgeAffected(entry.affected, ecosystem, pkg.version)
    if (verdict === 'affected') matched.push(entry)
    else if (verdict === 'unknown' && comparatorFor(ecosystem)?.(pkg.version, pkg.version) !== null)
      notes.push({
        // The package was not judged: a note of its own area, so the audit's rule cannot pass on it.
        code: 'version-unparsable',
        area: AREA_OF[pkg.ecosystem] ?? 'product',
        subject: entry.record.id,
        message: `${entry.record.id}: a version in its ranges does not compare as ${ecosystem}; ${pkg.name} ${pkg.version} was not judged against it`,
      })
  }
  if (!matched.length) return null
  const ecosystem = matched[0].affected.package?.ecosystem ?? pkg.ecosystem
  const compare = comparatorFor(ecosystem)!
  const fixes = matched.map((m) => fixedVersion(m.affected, ecosystem, pkg.version))
  const fixedIn = fixes.includes(null) ? null : fixes.sort((a, b) => compare(b!, a!) ?? 0)[0]
  const severities = matched.map((m) => recordSeverity(m.record, m.affected))
  return {
    kind: 'advisory',
    severity: worstSeverity(severities)!,
    package: pkg.name,
    ecosystem: pkg.ecosystem,
    installed: pkg.version,
    fixedIn,
    ids: [...new Set(matched.flatMap((m) => [m.record.id, ...(m.record.aliases ?? [])]))],
    summary: matched.map((m) => m.record.summary ?? m.record.id).join('; '),
    references: [...new Set(matched.flatMap((m) => (m.record.references ?? []).map((r) => r.url)))],
    location: pkg.location,
    environment: pkg.environment ?? null,
    services: pkg.services,
  }
}

function matchAll(
  packages: InstalledPackage[],
  db: AdvisoryDb,
  release: string | null,
  notes: VulnNote[],
): VulnFinding[] {
  const findings: VulnFinding[] = []
  for (const pkg of packages) {
    const entries = keysOf(pkg, release).flatMap((key) => db.byKey.get(key) ?? [])
    const finding = entries.length ? judgePackage(pkg, entries, notes) : null
    if (finding) findings.push(finding)
  }
  return findings
}

const AREA_OF: Record<string, VulnArea> = {Debian: 'os', PyPI: 'python', product: 'product'}

function tagged(notes: VulnNote[], area: VulnArea): VulnNote[] {
  return notes.map((note) => ({area, ...note}))
}

function summarize(findings: VulnFinding[], durationMs: number): VulnReport['summary'] {
  const open = findings.filter((f) => !f.ignored)
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, open.filter((f) => f.severity === s).length]),
  ) as Record<Severity, number>
  return {
    findings: open.length,
    ignored: findings.length - open.length,
    bySeverity,
    highestSeverity: worstSeverity(open.map((f) => f.severity)),
    durationMs,
  }
}

/**
 * Finds vulnerable and out-of-date packages of a system: dpkg packages against the root's own
 * security lists and OSV Debian records, Python distributions of every environment, and products
 * (NVIDIA driver and toolkit, inference binaries), each tied to the services that use it.
 * Nothing it cannot read or compare is passed over silently: each becomes a note.
 */
export async function scanVulnerabilities(options: VulnScanOptions): Promise<VulnReport> {
  const started = performance.now()
  const {root} = options
  const notes = {os: [] as VulnNote[], python: [] as VulnNote[], product: [] as VulnNote[]}
  // The package databases, security lists, Python environments and release are read at the same
  // time (each waits on the disk); notes keep the order of reading them one after another.
  const listNotes: VulnNote[] = []
  const [dpkg, rpm, lists, sites, release] = await Promise.all([
    readDpkgStatus(root),
    readRpmDatabases(root),
    readSecurityLists(root, listNotes),
    findPythonPackages(root, notes.python),
    debianRelease(root),
  ])
  append(notes.os, dpkg.notes)
  append(notes.os, rpm.notes.os)
  append(notes.product, rpm.notes.product)
  append(notes.os, listNotes)
  const starts = (await options.services) ?? []
  const python = await tieEnvironments(root, sites, starts)
  const products = await findProducts(root, options.live ?? root === '/', dpkg.packages, rpm.packages, notes.product)
  for (const product of products) product.services = productServices(product, starts).map(serviceUse)
  const all: InstalledPackage[] = [...dpkg.packages, ...python.packages, ...products]
  const db = await loadAdvisoryDb({
    paths: options.dbPaths,
    wanted: new Set(all.flatMap((p) => keysOf(p, release))),
    now: options.now,
  })
  const dbNotes = [...db.info.notes]
  const findings = [...pendingSecurityUpdates(dpkg.packages, lists.index), ...matchAll(all, db, release, dbNotes)]
  const waiverNotes = applyIgnores(findings, options.ignore ?? [], options.now ?? Date.now())
  findings.sort((a, b) => mostSevereFirst(a.severity, b.severity) || a.package.localeCompare(b.package))
  return {
    root,
    findings,
    notes: [
      ...tagged(notes.os, 'os'),
      ...tagged(notes.python, 'python'),
      ...tagged(notes.product, 'product'),
      ...tagged(dbNotes, 'db'),
      ...tagged(waiverNotes, 'waivers'),
    ],
    inventory: {
      dpkgPackages: dpkg.packages.length,
      rpmPackages: rpm.packages.length,
      pythonPackages: python.packages.length,
      binaries: products.length,
      products: products.map(({name, version, location}) => ({name, version, location})),
      environments: python.environments,
      securityLists: lists.lists,
    },
    db: db.info,
    summary: summarize(findings, Math.round(performance.now() - started)),
  }
}
