import {boundPorts, mainPort} from '../hardware/index.js'
import {scanVulnerabilities, type ServiceStart, type VulnIgnore, type VulnReport} from '../vulns/index.js'
import {createFactCache, FactUnavailableError, type FactCache} from './facts/index.js'
import {detectRuntime, splitExecStart} from './facts/inference.js'

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
  dbPaths?: string[]
  ignore?: VulnIgnore[]
}

/** `llmsec vulns`: the vulnerability engine over a system, its packages tied to its services. */
export async function scanHostVulnerabilities(options: HostVulnOptions): Promise<VulnReport> {
  const facts = createFactCache({root: options.root, live: options.live})
  const services = await serviceStarts(facts, options.live)
  return scanVulnerabilities({...options, services})
}
