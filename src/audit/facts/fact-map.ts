/**
 * The type of every fact, by id. Providers live next to this file, one per fact family. A fact read
 * from files lists in `unreadable` the inputs it could not read (permission, I/O): it is then
 * incomplete, and checks must not pass on it.
 */
import type {Unreadable} from './rootfs.js'

/** Inputs a fact could not read. */
interface Incomplete {
  unreadable: Unreadable[]
}

interface OsRelease extends Incomplete {
  id: string | null
  idLike: string[]
  versionId: string | null
  prettyName: string | null
}

import type {UserEntry} from '../../hardware/index.js'
export interface GroupEntry {
  name: string
  gid: number
  members: string[]
}
interface UsersFact extends Incomplete {
  users: UserEntry[]
  groups: GroupEntry[]
  /** Home directories of root and of login users (for ~ paths). */
  homes: string[]
}

/** One /etc/shadow line: the account and its password field (`!`/`*` locked, empty none). */
export interface ShadowEntry {
  name: string
  password: string
}
interface ShadowFact extends Incomplete {
  /** Whether /etc/shadow exists (absent: entries is empty, and password fields are unknown). */
  present: boolean
  entries: ShadowEntry[]
  /** UID_MIN of /etc/login.defs (1000 when unset): accounts below it are system accounts. */
  uidMin: number
}

export interface PackageEntry {
  name: string
  version: string
}
export interface PackagesFact extends Incomplete {
  /** The package database read, or null when none was found (not Debian-like). */
  source: 'dpkg' | null
  packages: Map<string, PackageEntry>
}

export interface UnitFile {
  name: string
  path: string
  /** section → key → values (in file order; drop-ins appended). */
  sections: Record<string, Record<string, string[]>>
  /** Environment= assignments, then EnvironmentFile= contents (later wins, as systemd does). */
  environment: Record<string, string>
  environmentFiles: string[]
  enabled: boolean
  /** EnvironmentFile= files that exist but could not be read: `environment` is incomplete. */
  unreadable: Unreadable[]
}
/**
 * `unreadable`: unit directories, .wants/.requires directories, unit files and drop-ins that could
 * not be read, so a unit may be missing, or its settings or enablement wrong.
 */
interface SystemdFact extends Incomplete {
  /** systemd is installed in the audited system. */
  installed: boolean
  /** systemd is PID 1 of the running host (live only). */
  running: boolean
  units: UnitFile[]
  /** Units masked (linked to /dev/null): they cannot start, even when enabled. */
  masked: string[]
}

export interface ProcessEntry {
  pid: number
  comm: string
  args: string[]
  uid: number | null
  /** null when the environment was not read (the process is gone, or see `unreadable`). */
  environment: Record<string, string> | null
  /** Why /proc/<pid>/environ could not be read (another user's process without root). */
  unreadable?: Unreadable
}

interface ListeningSocket {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6'
  address: string
  port: number
  inode: number
  pid: number | null
  process: string | null
}

export interface FirewallFact {
  /** The firewall back end that holds the rules (nftables, iptables-nft, …), null when unreadable. */
  tool: string | null
  /** What happens to an unsolicited inbound packet; 'unknown' when the rules leave it undecided. */
  inputPolicy: 'accept' | 'drop' | 'unknown' | null
  /** The rule or policy that decides it (from the firewall engine). */
  decidedBy?: string
  ruleCount: number
  /**
   * Inference ports another host reaches past the input policy because destination NAT publishes
   * them (Docker, Podman, kube-proxy): `Ollama: dnat 11434 → 172.17.0.2:11434 via forward chain DOCKER`.
   * Same verdict as `llmsec firewall`'s NET-INFERENCE-EXPOSED.
   */
  bypassed?: string[]
  /**
   * Inference ports destination NAT publishes where the engine cannot tell whether another host
   * reaches them (a rule it cannot read, too many translations or port ranges to follow).
   */
  undecided?: string[]
  /** Why the ruleset could not be read (not root, no tool). */
  unreadable?: string
}

export interface FirewallConfigFact extends Incomplete {
  /** Persisted firewall configurations found and whether their input default is deny. */
  configs: {
    source: string
    path: string
    /** The firewall engine's answer for an unsolicited inbound packet; null when it could not be judged. */
    defaultDeny: boolean | null
    /** The deciding rule or policy, or why the file could not be judged. */
    decidedBy: string
    enabled: boolean
  }[]
}

export interface GpuEntry {
  name: string
  driverVersion: string | null
  ecc: string | null
  persistence: string | null
  mig: string | null
}
export interface GpusFact {
  vendor: 'nvidia' | null
  gpus: GpuEntry[]
  /** Why no GPU list is available (nvidia-smi missing, failed). */
  note?: string
}

import type {ModelSection} from '../../hardware/index.js'

/** Model files and directories: the hardware engine's model section (src/hardware/models.ts). */
export type ModelsFact = ModelSection
export type {ModelDirectory, ModelFormat} from '../../hardware/index.js'

import type {RuntimeId} from '../../hardware/index.js'
import type {ContainerSpec} from './containers.js'

/** An inference runtime or AI service: an id of the runtime catalog (src/hardware/runtimes.catalog.ts). */
export type InferenceRuntime = RuntimeId
export interface InferenceService {
  runtime: InferenceRuntime
  source: 'unit' | 'process' | 'image'
  /** Unit file path, /proc/<pid>, or `image config` (the Entrypoint/Cmd of an --image). */
  location: string
  user: string | null
  environment: Record<string, string>
  /** Inputs of this service that could not be read (its EnvironmentFile=, /proc/<pid>/environ). */
  unreadable: Unreadable[]
  args: string[]
  /** The container the unit runs it in (`docker run`, `podman run`, a Compose service). */
  container?: ContainerSpec
}

export interface SecretFile {
  path: string
  kind: string
  mode: number
  uid: number
}
interface SecretsFact extends Incomplete {
  files: SecretFile[]
}

import type {SshdDirective} from './sshd-config.js'
export type {SshdDirective} from './sshd-config.js'

interface SshdFact extends Incomplete {
  /** Path of sshd_config when present. */
  path: string | null
  /** Every keyword line in the order sshd reads it, Include expanded, with its Match block. */
  directives: SshdDirective[]
  /** Lower-cased option → first value of the global section (sshd uses the first occurrence). */
  options: Map<string, string>
}

interface AuditdFact extends Incomplete {
  rulesFiles: string[]
  /** The distinct rules (-a, -A, -w), blanks normalised, in load order. */
  rules: string[]
  /** Distinct rules (-a, -A, -w); a rule written twice counts once. */
  ruleCount: number
  /** Rule lines that repeat an earlier one. */
  duplicates: number
  /** Paths watched by -w or -F dir=/path= (recursive for directories), without trailing slashes. */
  watches: string[]
  /** The last `-e` value: '0' auditing off, '1' on, '2' on and locked until reboot; null when unset. */
  enabled: string | null
}

interface JournaldFact extends Incomplete {
  storage: string
  persistentDirExists: boolean
  maxRetentionSec: string | null
  files: string[]
}

export interface FactMap {
  os: OsRelease
  users: UsersFact
  shadow: ShadowFact
  packages: PackagesFact
  systemd: SystemdFact
  'systemd.active': Set<string>
  processes: ProcessEntry[]
  sockets: ListeningSocket[]
  firewall: FirewallFact
  'firewall.config': FirewallConfigFact
  gpus: GpusFact
  models: ModelsFact
  inference: InferenceService[]
  secrets: SecretsFact
  sshd: SshdFact
  auditd: AuditdFact
  journald: JournaldFact
}
