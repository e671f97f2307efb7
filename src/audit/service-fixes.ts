import {posix} from 'node:path'

import {append} from '../core/arrays.js'
import {runtimeById} from '../hardware/index.js'
import {parseEnvFile} from './facts/systemd.js'
import {RootReader, type FactCache, type InferenceService} from './facts/index.js'
import {isUnitPath, restartUnit, unitDropIn, type FileEdit, type Fix} from './fixes.js'

/** A service a systemd unit starts directly (not a container, not a process found at run time). */
const directUnit = (s: InferenceService) => s.source === 'unit' && !s.container && isUnitPath(s.location)

const where = (s: InferenceService) => `${s.runtime} (${s.location})`

/** Where to change a container's settings: its `docker run`/`podman run` line or its Compose service. */
function containerStep(s: InferenceService, change: string): string {
  const place = s.container?.engine === 'compose' ? 'the Compose service' : `the ${s.container?.engine} run line`
  return `${where(s)}: ${change} in ${place}, then recreate the container`
}

/**
 * The edit that gives a unit's service `variable=value`. systemd.exec(5): EnvironmentFile=
 * settings override Environment=, so a variable one of the unit's environment files sets is
 * changed in that file; otherwise a drop-in of its own sets it.
 */
async function environmentEdit(facts: FactCache, s: InferenceService, variable: string, value: string) {
  const unit = (await facts.get('systemd')).units.find((u) => u.path === s.location)
  const reader = new RootReader(facts.env.root)
  for (const file of (unit?.environmentFiles ?? []).toReversed()) {
    const text = await reader.text(file)
    if (text !== null && parseEnvFile(text).some(([k]) => k === variable))
      return {op: 'set', path: file, syntax: 'equals', key: variable, value} satisfies FileEdit
  }
  return unitDropIn(s.location, `env-${variable.toLowerCase().replaceAll('_', '-')}`, [
    `Environment=${variable}=${value}`,
  ])
}

/** The fix that sets an environment variable of each service (`value` '' clears it). */
export async function environmentFix(
  facts: FactCache,
  services: InferenceService[],
  variable: string,
  value: string,
): Promise<Partial<Fix>> {
  const fix: Fix = {edits: [], commands: [], steps: []}
  for (const s of services) {
    if (directUnit(s)) {
      fix.edits.push(await environmentEdit(facts, s, variable, value))
      append(fix.commands, restartUnit(s.location))
    } else if (s.container) fix.steps.push(containerStep(s, `set -e ${variable}=${value}`))
    else fix.steps.push(`${where(s)}: set ${variable}=${value} where this process is started`)
  }
  return fix
}

/** 127.0.0.1 with the port of the old value kept (`0.0.0.0:8080` → `127.0.0.1:8080`). */
const loopbackValue = (old: string | undefined) => {
  const port = old ? /:(\d+)$/.exec(old)?.[1] : undefined
  return port ? `127.0.0.1:${port}` : '127.0.0.1'
}

/**
 * The fix for services bound to a non-loopback address, in each runtime's own terms (the runtime
 * catalog's bind variable or flag): a unit drop-in for a variable; for a flag or a container's
 * published port, the line to change (ExecStart is one line a drop-in can only replace whole).
 */
export async function bindFix(facts: FactCache, services: InferenceService[]): Promise<Partial<Fix>> {
  const fix: Fix = {edits: [], commands: [], steps: []}
  for (const s of services) {
    const runtime = runtimeById(s.runtime)
    const variable = runtime.bind.env[0]
    const flag = runtime.bind.flags.find((f) => s.args.some((a) => a === f || a.startsWith(`${f}=`)))
    if (s.container) {
      fix.steps.push(containerStep(s, 'publish the port on 127.0.0.1 only (-p 127.0.0.1:PORT:PORT)'))
    } else if (directUnit(s) && variable && !flag) {
      const name = posix.basename(s.location)
      fix.edits.push(
        unitDropIn(s.location, 'bind', [`Environment=${variable}=${loopbackValue(s.environment[variable])}`]),
      )
      append(fix.commands, restartUnit(name))
    } else if (directUnit(s)) {
      const name = posix.basename(s.location)
      fix.steps.push(`${where(s)}: ${runtime.bind.hint} — in ExecStart (systemctl edit --full ${name})`)
    } else fix.steps.push(`${where(s)}: ${runtime.bind.hint} where this process is started`)
  }
  return fix
}

/**
 * The fix for services running as root: the account named after the runtime when the root has
 * one (Ollama's installer creates `ollama`), else DynamicUser=yes (systemd.exec(5): a transient
 * unprivileged user), in a drop-in; a container gets `--user`.
 */
export async function userFix(facts: FactCache, services: InferenceService[]): Promise<Partial<Fix>> {
  const {users, groups} = await facts.get('users')
  const fix: Fix = {edits: [], commands: [], steps: []}
  for (const s of services) {
    const account = users.find((u) => u.name === s.runtime)
    const group = groups.find((g) => g.name === s.runtime)
    if (directUnit(s)) {
      const lines = account ? [`User=${account.name}`, ...(group ? [`Group=${group.name}`] : [])] : ['DynamicUser=yes']
      fix.edits.push(unitDropIn(s.location, 'user', lines))
      append(fix.commands, restartUnit(s.location))
      fix.steps.push(`${where(s)}: give ${account?.name ?? 'the service'} read access to the model files it loads`)
    } else if (s.container) fix.steps.push(containerStep(s, 'run it with --user UID:GID (an unprivileged account)'))
    else fix.steps.push(`${where(s)}: start this process as an unprivileged user`)
  }
  return fix
}
