import type {Severity} from '../core/severity.js'
import type {ImageSummary} from '../image/index.js'

/** Where an installed package was found. */
type PackageSource = 'dpkg' | 'rpm' | 'python' | 'binary'

/** A service that uses a package: a systemd unit or a running process. */
export interface ServiceUse {
  /** The unit name (`vllm.service`) or `pid 1234 (vllm)`. */
  name: string
  source: 'unit' | 'process'
  /** Addresses it listens on or is configured to bind (`0.0.0.0:8000`). */
  listening: string[]
}

/** A program start of the inspected system that may use a Python environment or a binary. */
export interface ServiceStart {
  name: string
  source: 'unit' | 'process'
  /** The command line: ExecStart= split into words, or a process's argv. */
  argv: string[]
  /** The resolved executable of a running process (/proc/<pid>/exe), when known. */
  exe?: string
  /** Runtime id of the catalog when the start is a known inference runtime. */
  runtime?: string
  listening: string[]
}

/** One installed package, as read from the inspected system. */
export interface InstalledPackage {
  source: PackageSource
  /** OSV ecosystem of the name (`Debian`, `PyPI`) or the product id of a binary (`ollama`). */
  ecosystem: string
  /** The name as installed (PyPI names normalised per PEP 503). */
  name: string
  version: string
  /** The dpkg status file, the site-packages directory or the binary. */
  location: string
  /** The Python environment (venv, conda env or system prefix), for python packages. */
  environment?: string
  /** The Debian source package, for dpkg packages (OSV's Debian records name source packages). */
  sourcePackage?: string
  services: ServiceUse[]
}

/** Why a finding exists: an advisory matched, or the security suite has a newer version. */
type FindingKind = 'advisory' | 'security-update'

/** A vulnerable or out-of-date package. */
export interface VulnFinding {
  kind: FindingKind
  severity: Severity
  package: string
  ecosystem: string
  installed: string
  /** The lowest version that fixes every listed advisory, null when no fix is published. */
  fixedIn: string | null
  /** Advisory ids (CVE, GHSA, DSA…), the primary id first. */
  ids: string[]
  summary: string
  /** Source URLs of the advisories. */
  references: string[]
  location: string
  environment: string | null
  services: ServiceUse[]
  /** Set when a waiver or --ignore silenced it (the finding no longer fails the run). */
  ignored?: {by: 'flag' | 'waiver'; reason: string}
}

/** Codes of the notes: inputs that could not be read or judged, never silently skipped. */
type VulnNoteCode =
  | 'version-unparsable'
  | 'input-unreadable'
  | 'input-malformed'
  | 'limit-reached'
  | 'db-record-invalid'
  | 'db-stale'
  | 'not-supported'
  | 'waiver-expired'

/** The parts of a system the engine reads. */
export type VulnArea = 'os' | 'python' | 'product' | 'db' | 'waivers'

/** Something that could not be read or judged. */
export interface VulnNote {
  code: VulnNoteCode
  /** What the note is about: OS packages, Python environments, products, advisory data (set by the engine). */
  area?: VulnArea
  /** The package, file or database the note is about. */
  subject: string
  message: string
}

/** One advisory source loaded into the database. */
export interface DbSource {
  /** `bundled` or the path of a --db directory or zip. */
  source: string
  records: number
  /** The newest `modified` time among its records (ISO 8601), null when it has none. */
  newestModified: string | null
  /** Days since newestModified at the time of the run. */
  ageDays: number | null
}

/** What `vulns db info` prints and every report carries. */
export interface DbInfo {
  sources: DbSource[]
  records: number
  /** Records per ecosystem (PyPI, Debian, Go, product ids). */
  ecosystems: Record<string, number>
  /** Data older than this is a warning. */
  maxAgeDays: number
  notes: VulnNote[]
}

/** A Python environment found under the root. */
export interface PythonEnvironment {
  path: string
  sitePackages: string[]
  packages: number
  services: ServiceUse[]
}

/** The result of `llmsec vulns`. */
export interface VulnReport {
  /** The inspected root: `/` for this host and for an --image, else the --root directory. */
  root: string
  /** The container image read in place with --image (its paths are inside it). */
  image?: ImageSummary & {name: string}
  findings: VulnFinding[]
  notes: VulnNote[]
  inventory: {
    dpkgPackages: number
    /** Packages of the rpm database (RHEL-family roots), read with the rpm tool. */
    rpmPackages: number
    pythonPackages: number
    binaries: number
    /** Products found (NVIDIA driver, container toolkit, inference binaries) with their versions. */
    products: {name: string; version: string; location: string}[]
    environments: PythonEnvironment[]
    securityLists: string[]
  }
  db: DbInfo
  summary: {
    findings: number
    ignored: number
    bySeverity: Record<Severity, number>
    highestSeverity: Severity | null
    durationMs: number
  }
}
