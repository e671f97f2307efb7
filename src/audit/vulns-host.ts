import {hostname} from 'node:os'

import {matchesGlob} from '../core/glob.js'
import {readTextInRoot} from '../core/root-path.js'
import {boundPorts, mainPort} from '../hardware/index.js'
import {
  scanVulnerabilities,
  type ServiceStart,
  type VulnArea,
  type VulnFinding,
  type VulnIgnore,
  type VulnReport,
} from '../vulns/index.js'
import {NO_PARAMS, outcome, type Check, type CheckContext, type NoParams} from './check.js'
import {createFactCache, FactUnavailableError, type FactCache} from './facts/index.js'
import {detectRuntime, splitExecStart} from './facts/inference.js'
import type {LoadedWaivers} from './waivers.js'

/** Where a runtime started this way listens: `host:port` of its main port, from its flags, environment or default. */
function listeningOf(argv: string[], environment: Record<string, string>): string[] {
  const runtime = detectRuntime(argv.join(' '))
  if (!runtime) return []
  const address = boundPorts(runtime, {args: argv, environment})[0]?.address
  return address
    ? [`${address.includes(':') ? `[${address}]` : address}:${mainPort(runtime, {args: argv, environment})}`]
    : []
}

async function liveFact<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof FactUnavailableError) return fallback
    throw error
  }
}

/**
 * The program starts the vulnerability engine ties packages to: every systemd service's
 * ExecStart= and, on the live host, every process (with the addresses its sockets listen on).
 */
async function serviceStarts(facts: FactCache, live: boolean): Promise<ServiceStart[]> {
  const starts: ServiceStart[] = []
  for (const unit of (await facts.get('systemd')).units) {
    const exec = unit.sections.Service?.ExecStart?.at(-1)
    if (!exec || !unit.name.endsWith('.service')) continue
    const argv = splitExecStart(exec)
    const runtime = detectRuntime(argv.join(' ')) ?? undefined
    starts.push({name: unit.name, source: 'unit', argv, runtime, listening: listeningOf(argv, unit.environment)})
  }
  if (!live) return starts
  const processes = await liveFact(() => facts.get('processes'), [])
  const sockets = await liveFact(() => facts.get('sockets'), [])
  for (const proc of processes) {
    const listening = sockets.filter((s) => s.pid === proc.pid).map((s) => `${s.address}:${s.port}`)
    const runtime = detectRuntime(proc.args.join(' '), proc.comm) ?? undefined
    starts.push({name: `pid ${proc.pid} (${proc.comm})`, source: 'process', argv: proc.args, runtime, listening})
  }
  return starts
}

export interface HostVulnOptions {
  root: string
  live: boolean
  /** The image read with --image (its virtual root is `root`): the report names it, its root is `/`. */
  image?: VulnReport['image']
  dbPaths?: string[]
  ignore?: VulnIgnore[]
  /** The audit's waivers file: `rule` names an advisory id; `path` globs the environment or location. */
  waivers?: LoadedWaivers | null
}

/** The inspected system's hostname: this host's, or the root's /etc/hostname (null when unknown). */
async function hostnameOf(root: string, live: boolean): Promise<string | null> {
  if (live) return hostname()
  return (await readTextInRoot(root, '/etc/hostname', 4096))?.trim() || null
}

/**
 * Waivers as the audit applies them: a waiver with a host glob holds only on a host whose name is
 * known and matches; an expired one is passed on with its date so the engine keeps the finding.
 */
async function waiverIgnores(options: HostVulnOptions): Promise<VulnIgnore[]> {
  const waivers = options.waivers?.waivers ?? []
  // An image is named as the audit names it (tag and config digest), so one waivers file fits both.
  const named = options.image?.name ?? (await hostnameOf(options.root, options.live))
  const host = waivers.some((w) => w.host) ? named : null
  return waivers
    .filter((w) => !w.host || (host !== null && matchesGlob(host, w.host)))
    .map((w) => ({
      id: w.rule,
      by: 'waiver' as const,
      reason: `${w.justification} (approved by ${w.approver}, expires ${w.expires})`,
      path: w.path,
      expires: w.expires,
    }))
}

/** `llmsec vulns`: the vulnerability engine over a system, its packages tied to its services. */
export async function scanHostVulnerabilities(options: HostVulnOptions): Promise<VulnReport> {
  const facts = createFactCache({root: options.root, live: options.live})
  const services = await serviceStarts(facts, options.live)
  const ignore = [...(options.ignore ?? []), ...(await waiverIgnores(options))]
  const report = await scanVulnerabilities({
    root: options.root,
    live: options.live,
    dbPaths: options.dbPaths,
    ignore,
    services,
  })
  return options.image ? {...report, root: '/', image: options.image} : report
}

const reports = new WeakMap<FactCache, Promise<VulnReport>>()

/** One vulnerability report per audit run (per fact cache), shared by the checks that read it. */
function vulnReportFor(ctx: CheckContext): Promise<VulnReport> {
  let report = reports.get(ctx.facts)
  if (!report) {
    report = scanVulnerabilities({root: ctx.root, live: ctx.live, services: serviceStarts(ctx.facts, ctx.live)})
    reports.set(ctx.facts, report)
  }
  return report
}

/** Note codes that leave a verdict open: something of the area was not read or not compared. */
const OPEN_CODES = new Set([
  'version-unparsable',
  'input-unreadable',
  'input-malformed',
  'limit-reached',
  'not-supported',
])

function findingLine(f: VulnFinding): string {
  const ids = f.ids.length ? f.ids.join(' ') : f.summary
  const used = f.services.length ? `; used by ${f.services.map((s) => s.name).join(', ')}` : ''
  const place = f.environment ?? f.location
  return `${f.package} ${f.installed} (${place}): ${ids}; fixed in ${f.fixedIn ?? 'no published version'}${used}`
}

interface VulnCheckSpec {
  id: string
  title: string
  description: string
  /** The findings this check judges. */
  select: (finding: VulnFinding) => boolean
  /** The note areas whose open notes make a pass an error. */
  areas: VulnArea[]
  /** When nothing the check judges is installed: the not-applicable reason (null: judge anyway). */
  absent?: (report: VulnReport) => string | null
  /**
   * When the report cannot show what the check judges (no security list to compare with): the
   * reason, and the check fails instead of passing on an empty comparison.
   */
  blind?: (report: VulnReport) => string | null
}

/**
 * A check over the vulnerability engine's report: fail with one line per vulnerable package, an
 * error when something of its area could not be read or compared (never a pass), else pass.
 */
export function vulnCheck(spec: VulnCheckSpec): Check<NoParams> {
  return {
    id: spec.id,
    title: spec.title,
    description: spec.description,
    params: NO_PARAMS,
    early: true,
    async run(ctx) {
      const report = await vulnReportFor(ctx)
      const found = report.findings.filter((f) => !f.ignored && spec.select(f))
      if (found.length) return outcome.fail(found.map(findingLine))
      const open = report.notes.filter((n) => n.area && spec.areas.includes(n.area) && OPEN_CODES.has(n.code))
      if (open.length)
        return outcome.error(`${open[0].message}${open.length > 1 ? ` and ${open.length - 1} more` : ''}`)
      const absent = spec.absent?.(report)
      if (absent) return outcome.notApplicable(absent)
      const blind = spec.blind?.(report)
      if (blind) return outcome.fail([blind])
      return outcome.pass([`no known advisory or pending security update (${report.db.records} advisories)`])
    },
  }
}
