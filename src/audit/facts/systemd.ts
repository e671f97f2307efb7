import {posix} from 'node:path'

import {runTool} from '../../core/exec.js'
import {FactUnavailableError, type FactProvider} from './cache.js'
import type {UnitFile} from './fact-map.js'
import {RootReader} from './rootfs.js'

/** Unit directories, highest precedence first (as systemd searches them). */
const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system']
const UNIT_SUFFIX = /\.(service|socket|timer)$/
const MAX_UNITS = 5000

/** Parses a unit file into section → key → values; an empty assignment resets the list. */
export function parseUnit(text: string, into: Record<string, Record<string, string[]>> = {}) {
  let section = ''
  const joined = text.replace(/\\\n/g, ' ')
  for (const raw of joined.split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header) {
      section = header[1]
      into[section] ??= {}
      continue
    }
    const eq = line.indexOf('=')
    if (eq < 0 || !section) continue
    const key = line.slice(0, eq).trim()
    const value = line.slice(eq + 1).trim()
    const values = (into[section][key] ??= [])
    if (value === '') values.length = 0
    else values.push(value)
  }
  return into
}

/** Splits Environment= values: space-separated assignments, optionally quoted. */
export function parseEnvironmentLine(value: string): [string, string][] {
  const out: [string, string][] = []
  for (const match of value.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    const word = match[1] ?? match[2] ?? match[3]
    const eq = word.indexOf('=')
    if (eq > 0) out.push([word.slice(0, eq), word.slice(eq + 1)])
  }
  return out
}

/** Parses an env file (KEY=value lines, # comments, optional export and quotes). */
export function parseEnvFile(text: string): [string, string][] {
  const out: [string, string][] = []
  for (const raw of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw)
    if (match) out.push([match[1], match[2].replace(/^(["'])(.*)\1$/, '$2')])
  }
  return out
}

async function enabledUnits(reader: RootReader): Promise<Set<string>> {
  const enabled = new Set<string>()
  for (const entry of await reader.list('/etc/systemd/system')) {
    if (!/\.(wants|requires)$/.test(entry)) continue
    for (const name of await reader.list(posix.join('/etc/systemd/system', entry))) enabled.add(name)
  }
  return enabled
}

/** A unit's environment: Environment= lines, then EnvironmentFile= contents (recorded when unreadable). */
async function unitEnvironment(root: string, service: Record<string, string[]>) {
  const environment: Record<string, string> = {}
  for (const line of service.Environment ?? [])
    for (const [key, value] of parseEnvironmentLine(line)) environment[key] = value
  const environmentFiles = (service.EnvironmentFile ?? []).map((f) => f.replace(/^-/, ''))
  const files = new RootReader(root)
  for (const file of environmentFiles) {
    for (const [key, value] of parseEnvFile((await files.text(file)) ?? '')) environment[key] = value
  }
  return {environment, environmentFiles, unreadable: files.unreadable}
}

/** Whether a unit file is a link to /dev/null (systemctl mask), read without following it out of the root. */
async function isMasked(reader: RootReader, path: string): Promise<boolean> {
  const link = await reader.lstat(path)
  if (!link?.isSymbolicLink()) return false
  const target = await reader.readlink(path)
  return target === '/dev/null' || (await reader.stat(path))?.isCharacterDevice() === true
}

async function loadUnit(
  reader: RootReader,
  dir: string,
  name: string,
  enabled: Set<string>,
): Promise<UnitFile | 'masked' | null> {
  const path = posix.join(dir, name)
  // A unit linked to /dev/null is masked: it cannot start, so it is left out (and listed as masked).
  if (await isMasked(reader, path)) return 'masked'
  const text = await reader.text(path)
  if (text === null) return null
  const sections = parseUnit(text)
  // systemd.unit(5): drop-ins from every unit directory apply in file-name order; a same-named file in
  // a higher-precedence directory (/etc over /run over /usr/lib) replaces the lower one.
  const dropDirs = UNIT_DIRS.map((d) => posix.join(d, `${name}.d`)).reverse()
  for (const file of await reader.layeredDropIns(dropDirs)) parseUnit(file.text, sections)
  const env = await unitEnvironment(reader.root, sections.Service ?? {})
  return {name, path, sections, ...env, enabled: enabled.has(name)}
}

/** Unit files (services, sockets, timers) of the audited system with drop-ins and environment. */
export const systemdProvider: FactProvider<'systemd'> = {
  id: 'systemd',
  async gather(env) {
    const reader = new RootReader(env.root)
    const installed =
      (await reader.stat('/lib/systemd/systemd')) !== null || (await reader.stat('/usr/lib/systemd/systemd')) !== null
    const running = env.live && (await new RootReader('/').stat('/run/systemd/system'))?.isDirectory() === true
    const enabled = await enabledUnits(reader)
    const seen = new Set<string>()
    const units: UnitFile[] = []
    const masked: string[] = []
    for (const dir of UNIT_DIRS) {
      if (dir.startsWith('/run') && !env.live) continue
      for (const name of await reader.list(dir)) {
        if (!UNIT_SUFFIX.test(name) || seen.has(name) || units.length >= MAX_UNITS) continue
        seen.add(name)
        const unit = await loadUnit(reader, dir, name, enabled)
        if (unit === 'masked') masked.push(name)
        else if (unit) units.push(unit)
      }
    }
    return {installed, running, units, masked, unreadable: reader.unreadable}
  },
}

/** Active units, from systemctl on the running host. */
export const systemdActiveProvider: FactProvider<'systemd.active'> = {
  id: 'systemd.active',
  live: true,
  async gather(_env, facts) {
    const systemd = await facts.get('systemd')
    if (!systemd.running) throw new FactUnavailableError('systemd is not running on this host (not PID 1)')
    const args = ['list-units', '--all', '--state=active', '--no-legend', '--plain', '--no-pager']
    const result = await runTool('systemctl', args, {timeoutMs: 10_000})
    if (result.status !== 'ok') throw new FactUnavailableError(result.reason ?? 'systemctl failed')
    return new Set(
      result.stdout
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[0])
        .filter(Boolean),
    )
  },
}
