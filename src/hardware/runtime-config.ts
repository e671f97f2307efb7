import type {InferencePort} from '../network/index.js'
import {RUNTIME_LIST, type Runtime, type RuntimeDefinition, type RuntimeId} from './runtimes.catalog.js'

/** The catalog entry of a runtime id. */
export function runtimeById(id: RuntimeId): Runtime {
  return RUNTIME_LIST.find((r) => r.id === id)!
}

/** Whether a string is a catalog runtime id. */
export function isRuntimeId(value: string): value is RuntimeId {
  return RUNTIME_LIST.some((r) => r.id === value)
}

/** The address one default port of a running service is bound to, and what decided it. */
export interface BoundPort {
  port: number
  purpose: string
  /** The bound address, or null when it is set by an environment llmsec could not read. */
  address: string | null
  /** `--host 0.0.0.0`, `OLLAMA_HOST=0.0.0.0:11434`, `vllm default`, or why the address is unknown. */
  from: string
  codeExecution: boolean
}

/** How a service was started: its command line and (when readable) its environment. */
export interface ServiceStart {
  args: string[]
  environment: Record<string, string>
  /** False when the environment could not be read completely (another user's process, an unread EnvironmentFile=). */
  environmentReadable?: boolean
}

/** The value of the first of `flags` present in `args` (`--host X` or `--host=X`). */
function flagValue(args: string[], flags: readonly string[]): {flag: string; value: string} | null {
  for (let i = 0; i < args.length; i++) {
    for (const flag of flags) {
      if (args[i] === flag && args[i + 1] !== undefined) return {flag, value: args[i + 1]}
      if (args[i].startsWith(`${flag}=`)) return {flag, value: args[i].slice(flag.length + 1)}
    }
  }
  return null
}

function envValue(environment: Record<string, string>, names: readonly string[]): {name: string; value: string} | null {
  for (const name of names) if (environment[name]) return {name, value: environment[name]}
  return null
}

/**
 * Reads an address setting: `127.0.0.1`, `0.0.0.0:11434`, `:8080`, `[::1]:8080`, `::1` or
 * `http://host:port/`. An empty host means every interface, as Go and uvicorn treat it.
 */
export function parseAddressSetting(value: string): {host: string; port: number | null} {
  const text = value
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/.*$/, '')
  let host = text
  let port: string | undefined
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(text)
  if (bracketed) [, host, port] = bracketed
  else if (text.split(':').length === 2) [host, port] = text.split(':')
  return {host: host === '' ? '0.0.0.0' : host, port: port && /^\d+$/.test(port) ? Number(port) : null}
}

function boundPort(runtime: RuntimeDefinition, index: number, start: ServiceStart): BoundPort {
  const port = runtime.ports[index]
  const base = {port: port.port, purpose: port.purpose, codeExecution: port.codeExecution ?? false}
  const flag = flagValue(start.args, port.bindFlags ?? runtime.bind.flags)
  if (flag) return {...base, address: parseAddressSetting(flag.value).host, from: `${flag.flag} ${flag.value}`}
  const envNames = port.bindFlags ? [] : runtime.bind.env
  // A partly read environment decides nothing: an unread EnvironmentFile= may set the variable last.
  if (envNames.length > 0 && start.environmentReadable === false)
    return {...base, address: null, from: `${envNames.join(' or ')} not readable (run as root)`}
  const env = envValue(start.environment, envNames)
  if (env) return {...base, address: parseAddressSetting(env.value).host, from: `${env.name}=${env.value}`}
  return {...base, address: port.defaultBind, from: `${runtime.id} default`}
}

/** Where each default port of a service is bound, from its flags, its environment or the default. */
export function boundPorts(id: RuntimeId, start: ServiceStart): BoundPort[] {
  const runtime = runtimeById(id)
  return runtime.ports.map((_, index) => boundPort(runtime, index, start))
}

/** The main API port of a service: a port flag or variable, a port inside the bind setting, or the default. */
export function mainPort(id: RuntimeId, start: ServiceStart): number {
  const runtime = runtimeById(id)
  const explicit =
    flagValue(start.args, runtime.port.flags)?.value ?? envValue(start.environment, runtime.port.env)?.value
  if (explicit && /^\d+$/.test(explicit)) return Number(explicit)
  const setting =
    flagValue(start.args, runtime.bind.flags)?.value ?? envValue(start.environment, runtime.bind.env)?.value
  return (setting && parseAddressSetting(setting).port) || runtime.ports[0].port
}

/** How the firewall report names a runtime's port. */
function portLabel(runtime: RuntimeDefinition, purpose: string): string {
  return runtime.ports.length > 1 ? `${runtime.name} ${purpose}` : runtime.name
}

/**
 * The default ports of every catalog runtime, one entry per port number (runtimes sharing a port
 * are named together), plus the configured ones: a configured port replaces a default one.
 */
export function listInferencePorts(extra: {port: number; service: string}[] = []): InferencePort[] {
  const byPort = new Map<number, {services: string[]; hints: string[]; codeExecution: boolean}>()
  for (const runtime of RUNTIME_LIST) {
    for (const port of runtime.ports) {
      const entry = byPort.get(port.port) ?? {services: [], hints: [], codeExecution: false}
      entry.services.push(portLabel(runtime, port.purpose))
      if (!entry.hints.includes(runtime.bind.hint)) entry.hints.push(runtime.bind.hint)
      entry.codeExecution ||= port.codeExecution ?? false
      byPort.set(port.port, entry)
    }
  }
  const ports = new Map<number, InferencePort>()
  for (const [port, entry] of byPort) {
    ports.set(port, {
      port,
      service: entry.services.join(' / '),
      bindHint: entry.hints.join('; or '),
      ...(entry.codeExecution ? {codeExecution: true} : {}),
    })
  }
  for (const port of extra) ports.set(port.port, {...port})
  return [...ports.values()].sort((a, b) => a.port - b.port)
}
