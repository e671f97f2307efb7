import {RUNTIME_IDS} from '../hardware/index.js'
import {guardUnreadable, outcome, type CheckOutcome} from './check.js'
import type {
  FactCache,
  InferenceRuntime,
  InferenceService,
  ModelDirectory,
  ModelsFact,
  RootReader,
  TextFile,
  Unreadable,
} from './facts/index.js'

/** Parses an octal mode string ("0644", "644") into a number. */
export function parseMode(text: string): number {
  return parseInt(text, 8)
}

/** Permission bits present in `mode` that `maxMode` does not allow. */
export function excessBits(mode: number, maxMode: number): number {
  return mode & 0o7777 & ~maxMode
}

/**
 * Inference services, optionally only of some runtimes, with the unit inputs that could not be read
 * (any unreadable unit file or drop-in could define or change an inference service).
 */
export async function servicesOf(
  facts: FactCache,
  runtimes?: InferenceRuntime[],
): Promise<{services: InferenceService[]; unreadable: Unreadable[]}> {
  const all = await facts.get('inference')
  const services = runtimes?.length ? all.filter((s) => runtimes.includes(s.runtime)) : all
  return {services, unreadable: (await facts.get('systemd')).unreadable}
}

/** The `runtimes` parameter: only services of these catalog runtimes (every inference service when absent). */
export const RUNTIMES_PARAM = {type: 'array', items: {type: 'string', enum: RUNTIME_IDS}, nullable: true} as const

/** A `ports` parameter: the TCP ports a check looks at (its default when absent). */
export const PORTS_PARAM = {
  type: 'array',
  minItems: 1,
  items: {type: 'integer', minimum: 1, maximum: 65535},
  nullable: true,
} as const

/** The outcome when no service of the wanted runtimes exists (an error when unit inputs were unreadable). */
export function noServices(runtimes: InferenceRuntime[] | undefined, unreadable: Unreadable[]): CheckOutcome {
  return guardUnreadable(outcome.notApplicable(`no ${runtimes?.join('/') ?? 'inference'} service found`), unreadable)
}

/**
 * Splits services into those whose environment was read completely and the inputs that hide the
 * others' (an unreadable EnvironmentFile= or /proc/<pid>/environ can set any variable).
 */
export function withEnvironment(services: InferenceService[]): {known: InferenceService[]; unreadable: Unreadable[]} {
  return {known: services.filter((s) => !s.unreadable.length), unreadable: services.flatMap((s) => s.unreadable)}
}

/** Parses a duration like "6month", "1y", "90d", "3600" (seconds) into days. */
export function parseDurationDays(text: string): number | null {
  const units: Record<string, number> = {
    s: 1 / 86_400,
    sec: 1 / 86_400,
    min: 1 / 1440,
    m: 1 / 1440,
    h: 1 / 24,
    hour: 1 / 24,
    d: 1,
    day: 1,
    w: 7,
    week: 7,
    month: 30.44,
    months: 30.44,
    y: 365.25,
    year: 365.25,
    years: 365.25,
  }
  let days = 0
  let matched = false
  for (const m of text.trim().matchAll(/(\d+(?:\.\d+)?)\s*([a-z]*)/gi)) {
    const unit = units[(m[2] || 's').toLowerCase()] ?? units[(m[2] || 's').toLowerCase().replace(/s$/, '')]
    if (unit === undefined) return null
    days += Number(m[1]) * unit
    matched = true
  }
  return matched ? days : null
}

/** The model directories that exist (the walk searched them), with their owner and mode. */
export function existingModelDirs(models: ModelsFact): (ModelDirectory & {mode: string; uid: number})[] {
  return models.directories.filter((d): d is ModelDirectory & {mode: string; uid: number} => d.status === 'ok')
}

/** A PAM service name (a file of /etc/pam.d), as a params schema pattern. */
export const PAM_SERVICE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$'

/** Not applicable when the root has no /etc/pam.d (an unreadable one is an error); null when it has one. */
export async function noPamConfiguration(reader: RootReader): Promise<CheckOutcome | null> {
  if ((await reader.stat('/etc/pam.d')) !== null) return null
  return guardUnreadable(outcome.notApplicable('no PAM configuration (/etc/pam.d is absent)'), reader.unreadable)
}

/** Where log-in and interactive bash shells read system-wide settings (bash(1) INVOCATION), in that order. */
export async function systemShellFiles(reader: RootReader): Promise<TextFile[]> {
  return [
    ...(await reader.texts(['/etc/profile', '/etc/bash.bashrc'])),
    ...(await reader.dropIns('/etc/profile.d', '.sh')),
  ]
}
