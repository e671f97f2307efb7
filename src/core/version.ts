/** A software version as llmsec compares it: numeric release parts, then the release phase. */
export interface ParsedVersion {
  release: number[]
  /** dev 0, alpha 1, beta 2, release candidate 3, final release 4, post-release 5. */
  phase: number
  phaseNumber: number
}

const PHASES: [RegExp, number][] = [
  [/^(?:dev)$/i, 0],
  [/^(?:alpha|a)$/i, 1],
  [/^(?:beta|b)$/i, 2],
  [/^(?:rc|c|pre|preview)$/i, 3],
  [/^(?:post|p|rev|r)$/i, 5],
]
const FINAL = 4

/**
 * Reads the first dotted number run of a version string (`v0.1.33`, `0.6.4.post1`, `b4567-abcdef`,
 * `550.54.15`) and the phase right after it, so `0.6.4rc1` sorts before `0.6.4` and `0.6.4.post1`
 * after it. Anything else after the numbers (a build hash, `+cu121`) is ignored. Null when the text
 * holds no number.
 */
export function parseVersion(text: string): ParsedVersion | null {
  const match = /(\d+(?:\.\d+)*)/.exec(text.trim())
  if (!match) return null
  const release = match[1].split('.').map(Number)
  const tail = /^[-._~]?([a-z]+)\.?(\d*)(?=$|[-._+])/i.exec(text.trim().slice(match.index + match[1].length))
  const phase = tail ? PHASES.find(([pattern]) => pattern.test(tail[1]))?.[1] : undefined
  if (phase === undefined) return {release, phase: FINAL, phaseNumber: 0}
  return {release, phase, phaseNumber: Number(tail![2] || 0)}
}

/** Compares parsed versions: negative when a is older, 0 when equal, positive when newer. */
function compareParsedVersions(a: ParsedVersion, b: ParsedVersion): number {
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    const diff = (a.release[i] ?? 0) - (b.release[i] ?? 0)
    if (diff !== 0) return Math.sign(diff)
  }
  return Math.sign(a.phase - b.phase || a.phaseNumber - b.phaseNumber)
}

/** Compares two version strings (see parseVersion); null when either holds no number. */
export function compareVersions(a: string, b: string): number | null {
  const x = parseVersion(a)
  const y = parseVersion(b)
  return x && y ? compareParsedVersions(x, y) : null
}

/** Debian versions have their own order (deb-version(7)); it lives in deb-version.ts. */
export {compareDebianVersions} from './deb-version.js'
