import {posix} from 'node:path'

/** A port published to the host: `-p [hostIp:][hostPort:]containerPort[/proto]`. */
export interface PublishedPort {
  /** The host address; Docker and Podman publish on every address when none is given. */
  hostIp: string
  hostPort: string
  containerPort: string
}

/** A container started by `docker run`/`podman run` or a compose service, as far as llmsec judges it. */
export interface ContainerSpec {
  engine: 'docker' | 'podman' | 'compose'
  image: string
  /** The command and arguments after the image (what the image's entrypoint receives). */
  args: string[]
  publish: PublishedPort[]
  /** `-P`: every exposed port published on every host address. */
  publishAll: boolean
  /** `--network host` shares the host's network: the server's own bind decides. */
  network: string | null
  privileged: boolean
  user: string | null
  gpus: string | null
  volumes: string[]
  /** `-e K=V` values; `-e K` (passed through from the caller) is listed in `inherited`. */
  environment: Record<string, string>
  inherited: string[]
  envFiles: string[]
}

/** Flags of `docker run` / `podman run` that take no value (docker-run(1), podman-run(1)). */
const BOOLEAN_LONG = new Set([
  'detach',
  'interactive',
  'tty',
  'rm',
  'privileged',
  'init',
  'publish-all',
  'read-only',
  'no-healthcheck',
  'oom-kill-disable',
  'sig-proxy',
  'quiet',
  'replace',
  'rmi',
  'help',
  'disable-content-trust',
  'no-hosts',
  'http-proxy',
  'tls-verify',
  'env-host',
])
const BOOLEAN_SHORT = new Set(['d', 'i', 't', 'P', 'q'])
const MAX_ARGS = 4096

/** A `-p` value: `8000`, `8000:8000`, `0.0.0.0:8000:8000`, `[::1]:8000:8000`, `127.0.0.1::8000/tcp`. */
export function parsePublish(value: string): PublishedPort {
  const bare = value.replace(/\/(tcp|udp|sctp)$/, '')
  const v6 = /^\[([^\]]*)\]:(\d*(?:-\d+)?):(.+)$/.exec(bare)
  if (v6) return {hostIp: v6[1], hostPort: v6[2], containerPort: v6[3]}
  const parts = bare.split(':')
  if (parts.length >= 3)
    return {hostIp: parts.slice(0, -2).join(':'), hostPort: parts.at(-2)!, containerPort: parts.at(-1)!}
  if (parts.length === 2) return {hostIp: '0.0.0.0', hostPort: parts[0], containerPort: parts[1]}
  return {hostIp: '0.0.0.0', hostPort: '', containerPort: parts[0]}
}

function emptySpec(engine: ContainerSpec['engine']): ContainerSpec {
  return {
    engine,
    image: '',
    args: [],
    publish: [],
    publishAll: false,
    network: null,
    privileged: false,
    user: null,
    gpus: null,
    volumes: [],
    environment: {},
    inherited: [],
    envFiles: [],
  }
}

/** Records one option with its value into the spec. */
function apply(spec: ContainerSpec, name: string, value: string | null): void {
  if (name === 'privileged') spec.privileged = value === null || value !== 'false'
  if (name === 'P' || name === 'publish-all') spec.publishAll = value === null || value !== 'false'
  if (value === null) return
  if (name === 'p' || name === 'publish') spec.publish.push(parsePublish(value))
  else if (name === 'e' || name === 'env') {
    const eq = value.indexOf('=')
    if (eq > 0) spec.environment[value.slice(0, eq)] = value.slice(eq + 1)
    else spec.inherited.push(value)
  } else if (name === 'env-file') spec.envFiles.push(value)
  else if (name === 'u' || name === 'user') spec.user = value
  else if (name === 'gpus') spec.gpus = value
  else if (name === 'v' || name === 'volume' || name === 'mount') spec.volumes.push(value)
  else if (name === 'net' || name === 'network') spec.network = value
}

/** One option token at `i`; returns how many tokens it used. */
function takeOption(spec: ContainerSpec, argv: string[], i: number): number {
  const token = argv[i]
  if (token.startsWith('--')) {
    const eq = token.indexOf('=')
    const name = token.slice(2, eq < 0 ? undefined : eq)
    const value = eq >= 0 ? token.slice(eq + 1) : BOOLEAN_LONG.has(name) ? null : (argv[i + 1] ?? null)
    apply(spec, name, value)
    return eq < 0 && !BOOLEAN_LONG.has(name) ? 2 : 1
  }
  // Short options cluster: `-it`, `-dp8000:8000`, `-e K=V`.
  for (let c = 1; c < token.length; c++) {
    const name = token[c]
    if (BOOLEAN_SHORT.has(name)) {
      apply(spec, name, null)
      continue
    }
    const attached = token.slice(c + 1)
    apply(spec, name, attached ? attached.replace(/^=/, '') : (argv[i + 1] ?? null))
    return attached ? 1 : 2
  }
  return 1
}

/** Where `run` is in a container CLI command line (`docker run`, `podman container run`), or -1. */
function runIndex(argv: string[]): {engine: 'docker' | 'podman'; at: number} | null {
  const tool = posix.basename(argv[0] ?? '')
  if (tool !== 'docker' && tool !== 'podman') return null
  for (let i = 1; i < Math.min(argv.length, 8); i++) {
    if (argv[i] === 'run') return {engine: tool, at: i}
    if (argv[i] === 'container' && argv[i + 1] === 'run') return {engine: tool, at: i + 1}
    // Global options before the subcommand (`docker --host unix:///x run`): skip their values.
    if (argv[i].startsWith('-') && !argv[i].includes('=') && !argv[i + 1]?.startsWith('-')) i++
  }
  return null
}

/**
 * Parses `docker run` / `podman run` as their option parsers do: options until the first word that
 * is no option (the image), then the container's command. Null when the line runs no container.
 */
export function parseContainerRun(argv: string[]): ContainerSpec | null {
  const run = runIndex(argv.slice(0, MAX_ARGS))
  if (!run) return null
  const spec = emptySpec(run.engine)
  let i = run.at + 1
  while (i < argv.length && i < MAX_ARGS && argv[i].startsWith('-') && argv[i] !== '--') i += takeOption(spec, argv, i)
  if (argv[i] === '--') i++
  if (i >= argv.length) return null
  spec.image = argv[i]
  spec.args = argv.slice(i + 1, MAX_ARGS)
  return spec
}

/** An image reference without registry defaults, tag or digest: `docker.io/library/x:1@sha256:…` → `x`. */
export function imageRepository(image: string): string {
  const noDigest = image.split('@')[0]
  const slash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  const repo = colon > slash ? noDigest.slice(0, colon) : noDigest
  return repo.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '')
}

/** Whether an image is one of a catalog runtime's images (a mirror's `host/path/<repository>` too). */
export function imageMatches(image: string, repositories: readonly string[]): boolean {
  const repo = imageRepository(image)
  return repositories.some((r) => repo === r || repo.endsWith(`/${r}`))
}
