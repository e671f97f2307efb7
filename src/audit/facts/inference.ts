import {posix} from 'node:path'

import {classifyProcess, RUNTIME_LIST} from '../../hardware/index.js'
import type {FactEnv, FactProvider} from './cache.js'
import {FactUnavailableError} from './cache.js'
import {composeFilesOf, parseComposeFile} from './compose.js'
import {imageMatches, parseContainerRun, type ContainerSpec} from './containers.js'
import {splitExecStart} from './exec-start.js'
import type {InferenceRuntime, InferenceService, UnitFile} from './fact-map.js'
import {RootReader} from './rootfs.js'
import {parseEnvFile} from './systemd.js'
import {append} from '../../core/arrays.js'

export {splitExecStart} from './exec-start.js'

/** Which catalog runtime a command line starts, if any (the inventory engine's classifier). */
export function detectRuntime(commandLine: string, comm?: string): InferenceRuntime | null {
  const argv = commandLine.split(/\s+/).filter(Boolean)
  return classifyProcess({comm: comm ?? posix.basename(argv[0] ?? ''), argv})
}

/** The runtime a container runs: by its image (runtime catalog), else by the command it is given. */
function containerRuntime(spec: ContainerSpec): InferenceRuntime | null {
  return RUNTIME_LIST.find((r) => imageMatches(spec.image, r.images))?.id ?? detectRuntime(spec.args.join(' '))
}

function unitUser(unit: UnitFile): string {
  return unit.sections.Service?.User?.at(-1) ?? (unit.sections.Service?.DynamicUser ? 'dynamic' : 'root')
}

/**
 * A container's environment: `-e K=V`, `-e K` taken from the unit's environment, `--env-file`
 * files (read inside the root). The Docker daemon runs containers as root unless `--user` says
 * otherwise; rootless Podman runs them as the unit's user.
 */
async function containerService(
  env: FactEnv,
  unit: UnitFile,
  spec: ContainerSpec,
  location: string,
): Promise<InferenceService | null> {
  const runtime = containerRuntime(spec)
  if (!runtime) return null
  const reader = new RootReader(env.root)
  const environment: Record<string, string> = {}
  for (const file of spec.envFiles) {
    const path = file.startsWith('/') ? file : posix.join(posix.dirname(location), file)
    for (const [key, value] of parseEnvFile((await reader.text(path)) ?? '')) environment[key] = value
  }
  Object.assign(environment, spec.environment)
  for (const name of spec.inherited)
    if (unit.environment[name] !== undefined) environment[name] = unit.environment[name]
  const owner = spec.engine === 'podman' && unitUser(unit) !== 'root' ? unitUser(unit) : 'root'
  const user = spec.user ?? owner
  const unreadable = [...unit.unreadable, ...reader.unreadable]
  return {runtime, source: 'unit', location, user, environment, unreadable, args: spec.args, container: spec}
}

/** Services a unit starts: a runtime directly, a container (`docker run`) or Compose services. */
async function unitServices(env: FactEnv, unit: UnitFile, reader: RootReader): Promise<InferenceService[]> {
  const exec = unit.sections.Service?.ExecStart?.at(-1)
  if (!exec) return []
  const args = splitExecStart(exec)
  const spec = parseContainerRun(args)
  if (spec) return [await containerService(env, unit, spec, unit.path)].filter((s) => s !== null)
  const workdir = unit.sections.Service?.WorkingDirectory?.at(-1)?.replace(/^-/, '') ?? null
  const composeFiles = composeFilesOf(args, workdir)
  if (composeFiles) return composeServices(env, unit, reader, composeFiles)
  const runtime = detectRuntime(args.join(' '))
  if (!runtime) return []
  const {environment, unreadable} = unit
  return [{runtime, source: 'unit', location: unit.path, user: unitUser(unit), environment, unreadable, args}]
}

async function composeServices(
  env: FactEnv,
  unit: UnitFile,
  reader: RootReader,
  {files, firstOnly}: {files: string[]; firstOnly: boolean},
): Promise<InferenceService[]> {
  const out: InferenceService[] = []
  for (const file of files) {
    const text = await reader.text(file)
    if (text === null) continue
    let services
    try {
      services = parseComposeFile(text, file)
    } catch (error) {
      reader.note({path: file, code: 'EINVAL', reason: (error as Error).message})
      continue
    }
    for (const {name, spec} of services) {
      const service = await containerService(env, unit, spec, `${file}#${name}`)
      if (service) out.push(service)
    }
    if (firstOnly) break
  }
  return out
}

/** Where an image's own process is described: its config, not a file of the root. */
const IMAGE_CONFIG_LOCATION = 'image config'

/**
 * The process an image starts (`Entrypoint` + `Cmd`, as `User` with `Env`), when it is an
 * inference runtime: by its command line, else by the image's tags (runtime catalog images).
 * No `User` runs it as root.
 */
function imageService(env: FactEnv): InferenceService | null {
  const config = env.image?.config
  if (!config) return null
  const args = [...config.entrypoint, ...config.cmd]
  const byTag = RUNTIME_LIST.find((r) => env.image!.tags.some((tag) => imageMatches(tag, r.images)))
  const runtime = detectRuntime(args.join(' ')) ?? byTag?.id ?? null
  if (!runtime) return null
  // `User` is user[:group]; the user part decides (0 and root alike).
  const user = config.user?.split(':')[0] || 'root'
  return {
    runtime,
    source: 'image',
    location: IMAGE_CONFIG_LOCATION,
    user,
    environment: config.environment,
    unreadable: [],
    args,
  }
}

/**
 * Inference services: systemd units whose ExecStart starts a known runtime, a container of one
 * (`docker run`/`podman run`, Compose services started by the unit), read under the root, and,
 * on the live host, processes running one.
 */
export const inferenceProvider: FactProvider<'inference'> = {
  id: 'inference',
  async gather(env, facts) {
    const services: InferenceService[] = []
    const reader = new RootReader(env.root)
    const systemd = await facts.get('systemd')
    for (const unit of systemd.units) append(services, await unitServices(env, unit, reader))
    const fromImage = imageService(env)
    if (fromImage) services.push(fromImage)
    // A Compose file a unit starts is one of its inputs: unread, it may hide services.
    for (const u of reader.unreadable)
      if (!systemd.unreadable.some((s) => s.path === u.path)) systemd.unreadable.push(u)
    if (!env.live) return services
    let processes
    try {
      processes = await facts.get('processes')
    } catch (error) {
      if (error instanceof FactUnavailableError) return services
      throw error
    }
    for (const proc of processes) {
      const runtime = detectRuntime(proc.args.join(' '), proc.comm)
      if (!runtime) continue
      services.push({
        runtime,
        source: 'process',
        location: `/proc/${proc.pid}`,
        user: proc.uid === null ? null : proc.uid === 0 ? 'root' : String(proc.uid),
        environment: proc.environment ?? {},
        unreadable: proc.unreadable ? [proc.unreadable] : [],
        args: proc.args,
      })
    }
    return services
  },
}
