import {noProgress, type OnProgress} from '../core/progress.js'
import {evaluatePacket} from './path.js'
import {readSysctl} from './host-facts.js'
import {buildFindings} from './findings.js'
import type {InferencePort} from './inference-ports.js'
import {
  dnatAddresses,
  findPublishedPorts,
  hasDnat,
  judgeArrivals,
  NOT_FOLLOWED,
  type PublishedPort,
} from './exposure.js'
import {bypassedRules, readFrontendRules} from './frontend-config.js'
import {unmatchedPacket} from './packet.js'
import {UNKNOWN_ENV, type PathEnv} from './path.js'
import {defaultRunner, readFirewall, type FirewallReading, type ToolRunner} from './read-ruleset.js'
import {readPathEnv} from './routes.js'
import type {DirectionPolicy, FamilyDecision, FirewallReport, ListenerReport} from './network.types.js'
import type {Decision, Ruleset, Verdict} from './ruleset.types.js'
import {listListeningSockets, type ListeningSocket} from './sockets.js'

export interface AnalyzeOptions {
  /** The ports whose exposure is judged (src/hardware listInferencePorts: the runtime catalog's). */
  inferencePorts: InferencePort[]
  /** Replaces the tool runner (tests feed recorded nft/iptables output through it). */
  run?: ToolRunner
  /** A reading already made; skips running tools. */
  reading?: FirewallReading
  procRoot?: string
  /** Where ufw's and firewalld's configuration is read (the frontend rules a DNAT bypasses); default `/`. */
  configRoot?: string
  onProgress?: OnProgress
}

const OPENNESS: Record<Verdict, number> = {accept: 3, unknown: 2, reject: 1, drop: 0}

/** The most permissive of several verdicts: a port open over either family is open. */
export function mostOpen(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((best, v) => (OPENNESS[v] > OPENNESS[best] ? v : best), 'drop')
}

const UNREADABLE: Decision = {verdict: 'unknown', table: null, chain: null, rule: 'ruleset not readable'}

function policyOf(ruleset: Ruleset, readable: boolean, direction: 'in' | 'out'): DirectionPolicy {
  if (!readable) return {defaultPolicy: 'unknown', ipv4: UNREADABLE, ipv6: UNREADABLE}
  const ipv4 = evaluatePacket(ruleset, unmatchedPacket(direction, 4))
  const ipv6 = evaluatePacket(ruleset, unmatchedPacket(direction, 6))
  return {defaultPolicy: mostOpen([ipv4.verdict, ipv6.verdict]), ipv4, ipv6}
}

/** Families a socket accepts: `::` also takes IPv4 unless bindv6only or an IPv4 socket holds the port. */
function socketFamilies(socket: ListeningSocket, all: ListeningSocket[], bindV6Only: boolean): (4 | 6)[] {
  if (!socket.protocol.endsWith('6')) return [4]
  if (socket.address.startsWith('::ffff:')) return [4]
  if (socket.address !== '::' || bindV6Only) return [6]
  const v4 = socket.protocol === 'tcp6' ? 'tcp' : 'udp'
  const taken = all.some((s) => s.protocol === v4 && s.port === socket.port)
  return taken ? [6] : [6, 4]
}

function judgeSocket(
  socket: ListeningSocket,
  context: {
    all: ListeningSocket[]
    reading: FirewallReading
    bindV6Only: boolean
    ports: Map<number, InferencePort>
    env: PathEnv
  },
): ListenerReport {
  const protocol = socket.protocol.startsWith('tcp') ? 'tcp' : 'udp'
  const service = protocol === 'tcp' ? (context.ports.get(socket.port)?.service ?? null) : null
  const base = {
    address: socket.address,
    port: socket.port,
    protocol: socket.protocol,
    process: socket.process,
    pid: socket.pid,
    service,
    inference: service !== null,
  }
  if (socket.loopback) return {...base, exposed: false, verdict: null, reason: 'bound to loopback only', decisions: []}
  const local = socket.wildcard || socket.address.startsWith('::ffff:') ? undefined : socket.address
  const decisions: FamilyDecision[] = socketFamilies(socket, context.all, context.bindV6Only).map((family) => {
    if (!context.reading.readable) return {family, ...UNREADABLE}
    const spec = {direction: 'in', protocol, family, local, port: socket.port} as const
    const {verdict, table, chain, rule} = judgeArrivals(context.reading.ruleset, spec, context.env)!.connection
    return {family, verdict, table, chain, rule}
  })
  const verdict = mostOpen(decisions.map((d) => d.verdict))
  const exposed = verdict === 'accept' ? true : verdict === 'unknown' ? null : false
  const reason =
    verdict === 'accept'
      ? 'bound beyond loopback and the firewall accepts new connections from other hosts'
      : verdict === 'unknown'
        ? context.reading.readable
          ? 'bound beyond loopback; the ruleset has rules llmsec cannot decide for this port'
          : 'bound beyond loopback; the firewall could not be read'
        : `bound beyond loopback but the firewall blocks it (${verdict})`
  return {...base, exposed, verdict, reason, decisions}
}

/**
 * Names, on each published port that may be reachable, the ufw or firewalld rules it bypasses
 * (read from their configuration only when some port is published); returns notes on what could not be read.
 */
async function nameBypassedRules(published: PublishedPort[], root: string): Promise<string[]> {
  const open = published.filter((p) => p.exposed !== false)
  if (open.length === 0) return []
  const {rules, notes} = await readFrontendRules(root)
  for (const p of open) p.bypasses = bypassedRules(rules, p.port, p.protocol)
  return notes
}

/**
 * Reads the firewall and the listening sockets and judges, for each, whether another host
 * could connect; adds the default inbound and outbound policies and findings. No traffic is sent.
 */
export async function analyzeFirewall(options: AnalyzeOptions): Promise<FirewallReport> {
  const onProgress = options.onProgress ?? noProgress
  onProgress({phase: 'reading the firewall ruleset'})
  const reading = options.reading ?? (await readFirewall(options.run))
  onProgress({phase: 'reading listening sockets'})
  const procRoot = options.procRoot ?? '/proc'
  const ruleset = reading.ruleset
  // The route lookups (one ip process per family) run while /proc is read.
  const routes =
    reading.readable && hasDnat(ruleset)
      ? readPathEnv(dnatAddresses(ruleset), options.run ?? defaultRunner, procRoot)
      : Promise.resolve(UNKNOWN_ENV)
  const scan = await listListeningSockets({procRoot})
  const ipv6Enabled = (await readSysctl(procRoot, 'net/ipv6/conf/all/disable_ipv6')) === '0'
  const bindV6Only = (await readSysctl(procRoot, 'net/ipv6/bindv6only')) === '1'
  const ports = new Map(options.inferencePorts.map((p) => [p.port, p]))
  const env = await routes
  onProgress({phase: 'evaluating', total: scan.sockets.length, unit: 'items'})
  const listeners = scan.sockets
    .map((socket) => judgeSocket(socket, {all: scan.sockets, reading, bindV6Only, ports, env}))
    .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.address.localeCompare(b.address))
  const families: (4 | 6)[] = ipv6Enabled ? [4, 6] : [4]
  const published = reading.readable ? findPublishedPorts(ruleset, {env, ports: options.inferencePorts, families}) : []
  const frontendNotes = await nameBypassedRules(published, options.configRoot ?? '/')
  const inbound = policyOf(reading.ruleset, reading.readable, 'in')
  const outbound = policyOf(reading.ruleset, reading.readable, 'out')
  const notes = [...reading.ruleset.notes, ...frontendNotes]
  for (const p of published.filter((port) => port.to === NOT_FOLLOWED))
    notes.push(`IPv${p.family} ${p.path}: undecided.`)
  if (scan.ownersIncomplete)
    notes.push('Some sockets belong to processes this user cannot see; run as root to name them.')
  for (const file of scan.unreadable) notes.push(`${file} could not be read.`)
  const report = {
    backend: reading.backend,
    backends: reading.backends,
    frontends: reading.frontends,
    readable: reading.readable,
    sources: reading.sources,
    ipv6Enabled,
    inbound,
    outbound,
    listeners,
    published,
    notes,
  }
  return {...report, findings: buildFindings(report, ports)}
}
