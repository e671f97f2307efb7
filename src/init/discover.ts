import {createFactCache, listBuiltInRulesets} from '../audit/index.js'
import {describeError} from '../core/errors.js'
import {isWildcardAddress} from '../core/net.js'
import {resolveRootOption} from '../core/root-path.js'
import {boundPorts, mainPort, type RuntimeId, type ServiceStart} from '../hardware/index.js'

/** What `llmsec init` found on the host (or under --root) to offer as defaults. */
export interface Discovered {
  modelDirs: string[]
  /** Model files found by content in those directories (the hardware engine's finder). */
  modelFiles: {path: string; format: string; sizeBytes: number}[]
  endpoints: {url: string; runtime: RuntimeId; from: string}[]
  rulesets: string[]
  /** Why a part could not be discovered (shown as a note, never fatal). */
  notes: string[]
}

/** The parts of an audit inference-service fact that init reads. */
export interface InferenceService extends ServiceStart {
  runtime: RuntimeId
  location: string
}

/** The loopback URL a service answers on (a wildcard bind is reached through 127.0.0.1 too). */
export function endpointOf(service: InferenceService): string {
  const bound = boundPorts(service.runtime, service)[0].address
  const host = bound === null || isWildcardAddress(bound) ? '127.0.0.1' : bound
  return `http://${host.includes(':') ? `[${host}]` : host}:${mainPort(service.runtime, service)}`
}

/**
 * Finds model directories and inference runtimes with the audit's fact providers (units under the
 * root and, on the live host, processes) and the built-in rulesets.
 */
export async function discoverSetup(options: {root?: string} = {}): Promise<Discovered> {
  const facts = createFactCache({root: await resolveRootOption(options.root)})
  const notes: string[] = []
  let modelDirs: string[] = []
  let modelFiles: Discovered['modelFiles'] = []
  let services: InferenceService[] = []
  try {
    const models = await facts.get('models')
    modelDirs = models.directories.filter((d) => d.status === 'ok').map((d) => d.path)
    modelFiles = models.files.map((f) => ({path: f.path, format: f.format, sizeBytes: f.sizeBytes}))
  } catch (error) {
    notes.push(`model directories not searched: ${describeError(error)}`)
  }
  try {
    services = await facts.get('inference')
  } catch (error) {
    notes.push(`inference runtimes not searched: ${describeError(error)}`)
  }
  const endpoints = new Map<string, Discovered['endpoints'][number]>()
  for (const service of services) {
    const url = endpointOf(service)
    if (!endpoints.has(url)) endpoints.set(url, {url, runtime: service.runtime, from: service.location})
  }
  return {modelDirs, modelFiles, endpoints: [...endpoints.values()], rulesets: await listBuiltInRulesets(), notes}
}
