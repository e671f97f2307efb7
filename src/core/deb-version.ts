/**
 * Debian package versions, per deb-version(7): `[epoch:]upstream_version[-debian_revision]`.
 * Comparison follows dpkg's algorithm (lib/dpkg/version.c): epochs numerically, then upstream
 * and revision alternately by non-digit runs (`~` before the end, the end before letters,
 * letters before other characters) and digit runs as unbounded integers.
 */
export interface DebianVersion {
  epoch: number
  upstream: string
  /** '' when the version has no hyphen (dpkg compares it equal to '0'). */
  revision: string
}

/** dpkg's epoch limit (INT_MAX). */
const MAX_EPOCH = 2_147_483_647
const MAX_LENGTH = 256
const UPSTREAM = /^[0-9][A-Za-z0-9.+~:-]*$/
const REVISION = /^[A-Za-z0-9.+~]+$/

/**
 * Parses a Debian version strictly: what dpkg rejects (empty, bad epoch, empty revision) and what
 * it only warns about (no leading digit, characters outside the allowed set) are both null, so a
 * caller never compares a version it cannot read. Leading and trailing white space is ignored.
 */
export function parseDebianVersion(input: string): DebianVersion | null {
  const text = input.trim()
  if (!text || text.length > MAX_LENGTH || /\s/.test(text)) return null
  const colon = text.indexOf(':')
  let epoch = 0
  if (colon >= 0) {
    const digits = text.slice(0, colon)
    if (!/^\d+$/.test(digits) || Number(digits) > MAX_EPOCH) return null
    epoch = Number(digits)
  }
  const rest = text.slice(colon + 1)
  const dash = rest.lastIndexOf('-')
  const upstream = dash < 0 ? rest : rest.slice(0, dash)
  const revision = dash < 0 ? '' : rest.slice(dash + 1)
  if (!UPSTREAM.test(upstream)) return null
  if (dash >= 0 && !REVISION.test(revision)) return null
  // A colon in the upstream part needs an epoch, as deb-version(7) says.
  if (colon < 0 && upstream.includes(':')) return null
  return {epoch, upstream, revision}
}

/** dpkg's character weight: `~` lowest, then digits and the end, then letters, then the rest. */
function weight(code: number): number {
  if (code >= 48 && code <= 57) return 0
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return code
  if (code === 126) return -1
  if (Number.isNaN(code)) return 0
  return code + 256
}

const isDigit = (code: number) => code >= 48 && code <= 57

/** dpkg's verrevcmp: one part (upstream or revision) against another. */
function comparePart(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const diff = weight(a.charCodeAt(i)) - weight(b.charCodeAt(j))
      if (diff) return Math.sign(diff)
      i++
      j++
    }
    while (a.charCodeAt(i) === 48) i++
    while (b.charCodeAt(j) === 48) j++
    let firstDiff = 0
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      firstDiff ||= a.charCodeAt(i) - b.charCodeAt(j)
      i++
      j++
    }
    if (isDigit(a.charCodeAt(i))) return 1
    if (isDigit(b.charCodeAt(j))) return -1
    if (firstDiff) return Math.sign(firstDiff)
  }
  return 0
}

/** Compares parsed Debian versions: negative when a is older, 0 when equal, positive when newer. */
export function compareParsedDebianVersions(a: DebianVersion, b: DebianVersion): number {
  return Math.sign(a.epoch - b.epoch) || comparePart(a.upstream, b.upstream) || comparePart(a.revision, b.revision)
}

/**
 * Compares Debian version strings as `dpkg --compare-versions` does, also for the versions dpkg
 * only warns about; a string without a readable epoch compares with epoch 0 and its text as is.
 */
export function compareDebianVersions(a: string, b: string): number {
  return compareParsedDebianVersions(looseDebianVersion(a), looseDebianVersion(b))
}

function looseDebianVersion(input: string): DebianVersion {
  const text = input.trim()
  const strict = parseDebianVersion(text)
  if (strict) return strict
  const epochMatch = /^(\d{1,9}):/.exec(text)
  const rest = epochMatch ? text.slice(epochMatch[0].length) : text
  const dash = rest.lastIndexOf('-')
  return {
    epoch: epochMatch ? Number(epochMatch[1]) : 0,
    upstream: dash < 0 ? rest : rest.slice(0, dash),
    revision: dash < 0 ? '' : rest.slice(dash + 1),
  }
}
