import {compareParsedDebianVersions, parseDebianVersion} from '../core/deb-version.js'
import type {Severity} from '../core/severity.js'
import {compareVersions} from '../core/version.js'
import {comparePep440, normalizePythonName} from './pep440.js'

/** The parts of an OSV record (ossf/osv-schema) llmsec reads. */
export interface OsvRecord {
  id: string
  modified: string
  aliases?: string[] | null
  summary?: string
  details?: string
  withdrawn?: string
  severity?: {type: string; score: string}[] | null
  affected?: OsvAffected[] | null
  references?: {type: string; url: string}[] | null
  database_specific?: {severity?: string}
}

export interface OsvAffected {
  package?: {ecosystem: string; name: string; purl?: string}
  ranges?: {type: string; events: OsvEvent[]}[]
  versions?: string[]
  /** llmsec's products without an OSV ecosystem (NVIDIA driver branches, binaries): `{product: "nvidia-driver"}`. */
  database_specific?: {product?: string; severity?: string}
}

export type OsvEvent = {introduced?: string; fixed?: string; last_affected?: string; limit?: string}

/** How versions of an ecosystem compare; null when either side is not a version of it. */
type Compare = (a: string, b: string) => number | null

function debianCompare(a: string, b: string): number | null {
  const x = parseDebianVersion(a)
  const y = parseDebianVersion(b)
  return x && y ? compareParsedDebianVersions(x, y) : null
}

/** Ecosystems llmsec compares, by OSV ecosystem name (before any `:release` suffix). */
const COMPARE: Record<string, Compare> = {
  PyPI: comparePep440,
  Debian: debianCompare,
  Ubuntu: debianCompare,
  Go: (a, b) => compareVersions(a.replace(/^v/, ''), b.replace(/^v/, '')),
  product: compareVersions,
}

/** The comparison for an ecosystem, undefined when llmsec does not compare it. */
export function comparatorFor(ecosystem: string): Compare | undefined {
  return COMPARE[ecosystem.split(':')[0]]
}

/** The key an affected package is indexed under: `PyPI\0torch`, `Debian:12\0openssl`, `product\0nvidia-driver`. */
export function affectedKey(affected: OsvAffected): string | null {
  if (affected.database_specific?.product) return `product\0${affected.database_specific.product}`
  const pkg = affected.package
  if (!pkg?.ecosystem || !pkg.name) return null
  return `${pkg.ecosystem}\0${pkg.ecosystem === 'PyPI' ? normalizePythonName(pkg.name) : pkg.name}`
}

/** Whether a version is affected: yes, no, or unknown when a version in play does not compare. */
export type Verdict = 'affected' | 'not-affected' | 'unknown'

function rangeVerdict(events: OsvEvent[], version: string, compare: Compare): Verdict {
  let affected = false
  const points = events.map((e) => ({e, v: e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? ''}))
  const order = (a: string, b: string) => (a === '0' ? (b === '0' ? 0 : -1) : b === '0' ? 1 : compare(a, b))
  for (const {v} of points) if (v !== '0' && compare(v, v) === null) return 'unknown'
  points.sort((x, y) => order(x.v, y.v) ?? 0)
  for (const {e, v} of points) {
    const at = v === '0' ? 1 : compare(version, v)!
    if (e.introduced !== undefined && at >= 0) affected = true
    else if (e.fixed !== undefined && at >= 0) affected = false
    else if (e.last_affected !== undefined && at > 0) affected = false
    else if (e.limit !== undefined && at >= 0) affected = false
  }
  return affected ? 'affected' : 'not-affected'
}

/**
 * Judges a version against one affected entry (OSV's evaluation: events in version order, the
 * last one at or below the version decides; `versions` lists affected versions exactly). GIT ranges
 * cannot be judged from an installed version and are ignored.
 */
export function judgeAffected(affected: OsvAffected, ecosystem: string, version: string): Verdict {
  const compare = comparatorFor(ecosystem)
  if (!compare || compare(version, version) === null) return 'unknown'
  if (affected.versions?.some((v) => compare(v, version) === 0)) return 'affected'
  let unknown = false
  for (const range of affected.ranges ?? []) {
    if (range.type === 'GIT') continue
    const verdict = rangeVerdict(range.events, version, compare)
    if (verdict === 'affected') return 'affected'
    unknown ||= verdict === 'unknown'
  }
  return unknown ? 'unknown' : 'not-affected'
}

/** The first fixed version of the ranges that hold `version`, null when none is published. */
export function fixedVersion(affected: OsvAffected, ecosystem: string, version: string): string | null {
  const compare = comparatorFor(ecosystem)!
  const fixes = (affected.ranges ?? []).flatMap((r) => r.events.flatMap((e) => (e.fixed ? [e.fixed] : [])))
  const above = fixes.filter((f) => (compare(f, version) ?? -1) > 0).sort((a, b) => compare(a, b) ?? 0)
  return above[0] ?? null
}

const GHSA_SEVERITY: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
}

/**
 * A record's severity: GitHub's rating (`database_specific.severity`), else the CVSS v3 base
 * score's band, else high — a record that names no severity is not taken as harmless.
 */
export function recordSeverity(record: OsvRecord, affected?: OsvAffected): Severity {
  const named = affected?.database_specific?.severity ?? record.database_specific?.severity
  if (named && GHSA_SEVERITY[named.toUpperCase()]) return GHSA_SEVERITY[named.toUpperCase()]
  const vector = record.severity?.find((s) => s.type === 'CVSS_V3')?.score
  const score = vector ? cvss3BaseScore(vector) : null
  if (score === null) return 'high'
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'info'
}

const W = {
  AV: {N: 0.85, A: 0.62, L: 0.55, P: 0.2},
  AC: {L: 0.77, H: 0.44},
  UI: {N: 0.85, R: 0.62},
  CIA: {H: 0.56, L: 0.22, N: 0},
} as const

/** The CVSS v3.x base score of a vector (FIRST's formula), null when the vector is incomplete. */
export function cvss3BaseScore(vector: string): number | null {
  const m = Object.fromEntries(
    vector
      .split('/')
      .slice(1)
      .map((p) => p.split(':') as [string, string]),
  )
  const changed = m.S === 'C'
  const pr = {N: 0.85, L: changed ? 0.68 : 0.62, H: changed ? 0.5 : 0.27}[m.PR as 'N' | 'L' | 'H']
  const av = W.AV[m.AV as keyof typeof W.AV]
  const ac = W.AC[m.AC as keyof typeof W.AC]
  const ui = W.UI[m.UI as keyof typeof W.UI]
  const [c, i, a] = [m.C, m.I, m.A].map((x) => W.CIA[x as keyof typeof W.CIA])
  if ([pr, av, ac, ui, c, i, a].some((x) => x === undefined) || !['U', 'C'].includes(m.S)) return null
  const iss = 1 - (1 - c) * (1 - i) * (1 - a)
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss
  if (impact <= 0) return 0
  const exploitability = 8.22 * av * ac * pr * ui
  const raw = changed ? Math.min(1.08 * (impact + exploitability), 10) : Math.min(impact + exploitability, 10)
  return roundUp(raw)
}

/** CVSS v3.1's Roundup: the smallest one-decimal number at or above the value. */
function roundUp(value: number): number {
  const int = Math.round(value * 100_000)
  return int % 10_000 === 0 ? int / 100_000 : (Math.floor(int / 10_000) + 1) / 10
}
