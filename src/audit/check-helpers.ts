import type {FactCache, InferenceService, Unreadable} from './facts/index.js'

/** Parses an octal mode string ("0644", "644") into a number. */
export function parseMode(text: string): number {
  return parseInt(text, 8)
}

/** Permission bits present in `mode` that `maxMode` does not allow. */
export function excessBits(mode: number, maxMode: number): number {
  return mode & 0o7777 & ~maxMode
}

/** Loopback addresses (where a listener is reachable only from this host). */
export function isLoopback(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '')
  return /^127\./.test(host) || host === '::1' || host === 'localhost' || /^::ffff:127\./.test(host)
}

/** Compares Debian package versions (epoch:upstream-revision), as dpkg --compare-versions does. */
export function compareDebVersions(a: string, b: string): number {
  const split = (v: string) => {
    const epoch = /^(\d+):/.exec(v)
    const rest = epoch ? v.slice(epoch[0].length) : v
    const dash = rest.lastIndexOf('-')
    return {
      epoch: epoch ? Number(epoch[1]) : 0,
      upstream: dash < 0 ? rest : rest.slice(0, dash),
      rev: dash < 0 ? '0' : rest.slice(dash + 1),
    }
  }
  const x = split(a)
  const y = split(b)
  return x.epoch - y.epoch || compareDebPart(x.upstream, y.upstream) || compareDebPart(x.rev, y.rev)
}

function order(c: string): number {
  if (c === '~') return -1
  if (/\d/.test(c)) return 0
  if (!c) return 0
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0)
  return c.charCodeAt(0) + 256
}

function compareDebPart(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    while ((i < a.length && !/\d/.test(a[i])) || (j < b.length && !/\d/.test(b[j]))) {
      const diff = order(a[i] ?? '') - order(b[j] ?? '')
      if (diff) return diff
      i++
      j++
    }
    let na = ''
    let nb = ''
    while (i < a.length && /\d/.test(a[i])) na += a[i++]
    while (j < b.length && /\d/.test(b[j])) nb += b[j++]
    const diff = Number(na || 0) - Number(nb || 0)
    if (diff) return Math.sign(diff)
  }
  return 0
}

/** Compares dotted numeric versions (driver versions like 550.54.15). */
export function compareDotted(a: string, b: string): number {
  const x = a.split(/[.-]/).map((n) => parseInt(n, 10) || 0)
  const y = b.split(/[.-]/).map((n) => parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0)
  return 0
}

/**
 * Inference services, optionally only of some runtimes, with the unit inputs that could not be read
 * (any unreadable unit file or drop-in could define or change an inference service).
 */
export async function servicesOf(
  facts: FactCache,
  runtimes?: string[],
): Promise<{services: InferenceService[]; unreadable: Unreadable[]}> {
  const all = await facts.get('inference')
  const services = runtimes?.length ? all.filter((s) => runtimes.includes(s.runtime)) : all
  return {services, unreadable: (await facts.get('systemd')).unreadable}
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
