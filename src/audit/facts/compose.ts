import {parseYaml} from '../../core/yaml.js'
import type {ContainerSpec, PublishedPort} from './containers.js'
import {parsePublish} from './containers.js'
import {splitExecStart} from './exec-start.js'

/** The parts of a Compose service llmsec reads (compose-spec: services.*). */
interface ComposeService {
  image?: string
  command?: string | string[]
  environment?: Record<string, string | number | boolean | null> | string[]
  env_file?: string | (string | {path: string})[]
  ports?: (string | number | {target?: number | string; published?: number | string; host_ip?: string})[]
  network_mode?: string
  privileged?: boolean
  user?: string | number
  volumes?: (string | {source?: string; target?: string})[]
  deploy?: {resources?: {reservations?: {devices?: {capabilities?: string[]}[]}}}
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value])

function environmentOf(service: ComposeService): {environment: Record<string, string>; inherited: string[]} {
  const environment: Record<string, string> = {}
  const inherited: string[] = []
  const env = service.environment
  if (Array.isArray(env)) {
    for (const entry of env) {
      const eq = String(entry).indexOf('=')
      if (eq > 0) environment[String(entry).slice(0, eq)] = String(entry).slice(eq + 1)
      else inherited.push(String(entry))
    }
  } else if (env && typeof env === 'object') {
    for (const [key, value] of Object.entries(env))
      if (value === null) inherited.push(key)
      else environment[key] = String(value)
  }
  return {environment, inherited}
}

function portsOf(service: ComposeService): PublishedPort[] {
  return list(service.ports).map((p) =>
    typeof p === 'object'
      ? {hostIp: p.host_ip ?? '0.0.0.0', hostPort: String(p.published ?? ''), containerPort: String(p.target ?? '')}
      : parsePublish(String(p)),
  )
}

function toSpec(service: ComposeService): ContainerSpec {
  const gpu = service.deploy?.resources?.reservations?.devices?.some((d) => d.capabilities?.includes('gpu'))
  return {
    engine: 'compose',
    image: String(service.image ?? ''),
    args: typeof service.command === 'string' ? splitExecStart(service.command) : list(service.command).map(String),
    publish: portsOf(service),
    publishAll: false,
    network: service.network_mode ?? null,
    privileged: service.privileged === true,
    user: service.user === undefined ? null : String(service.user),
    gpus: gpu ? 'all' : null,
    volumes: list(service.volumes).map((v) => (typeof v === 'string' ? v : `${v.source ?? ''}:${v.target ?? ''}`)),
    ...environmentOf(service),
    envFiles: list(service.env_file).map((f) => (typeof f === 'string' ? f : f.path)),
  }
}

/**
 * The services of a Compose file (compose-spec) as containers. Throws an LlmsecError naming
 * file:line:column when the file is not YAML.
 */
export function parseComposeFile(text: string, file: string): {name: string; spec: ContainerSpec}[] {
  const {data} = parseYaml<{services?: Record<string, ComposeService | null>} | null>(text, file)
  const services =
    data && typeof data === 'object' && data.services && typeof data.services === 'object' ? data.services : {}
  return Object.entries(services)
    .filter((entry): entry is [string, ComposeService] => entry[1] !== null && typeof entry[1] === 'object')
    .map(([name, service]) => ({name, spec: toSpec(service)}))
}

/** Compose file names `docker compose` looks for in its working directory, in its order. */
const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml']

/**
 * The Compose files a `docker compose … up` / `docker-compose … up` command line uses, or null when
 * it is none; without `-f`, the first default name that exists in the working directory (`firstOnly`).
 */
export function composeFilesOf(argv: string[], workdir: string | null): {files: string[]; firstOnly: boolean} | null {
  const tool = argv[0]?.split('/').pop()
  const at = tool === 'docker-compose' ? 0 : tool === 'docker' || tool === 'podman' ? argv.indexOf('compose') : -1
  if (at < 0 || !argv.includes('up')) return null
  const files: string[] = []
  for (let i = at + 1; i < argv.length; i++) {
    if (argv[i] === '-f' || argv[i] === '--file') files.push(argv[++i])
    else if (argv[i].startsWith('--file=')) files.push(argv[i].slice(7))
  }
  if (files.length)
    return {files: files.map((f) => (f.startsWith('/') || !workdir ? f : `${workdir}/${f}`)), firstOnly: false}
  return {files: workdir ? COMPOSE_FILE_NAMES.map((name) => `${workdir}/${name}`) : [], firstOnly: true}
}
