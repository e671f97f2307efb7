/** Units a duration may be written in, largest first. */
export const DURATION_UNITS = ['h', 'm', 's', 'ms'] as const
export type DurationUnit = (typeof DURATION_UNITS)[number]

const UNIT_MS: Record<DurationUnit, number> = {h: 3_600_000, m: 60_000, s: 1000, ms: 1}
const UNIT_NAMES: Record<DurationUnit, string> = {h: 'hours', m: 'minutes', s: 'seconds', ms: 'milliseconds'}

/** Longer text is refused before any matching, so parsing stays linear and small. */
const MAX_LENGTH = 40
const BARE = /^\d{1,12}$/
const PART = /(\d{1,12}(?:\.\d{1,6})?)(ms|h|m|s)/y

export type ParsedDuration = {ok: true; ms: number; bare: boolean} | {ok: false; reason: string}

function invalid(text: string): ParsedDuration {
  const shown = text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text
  return {ok: false, reason: `"${shown}" is not a duration: write a number and a unit, e.g. 500ms, 15s, 2m or 1m30s`}
}

/**
 * Parses a duration such as `500ms`, `15s`, `2m`, `1h` or `1m30s` (units largest first, each at
 * most once) into whole milliseconds. A bare number is read in `bareUnit` and marked `bare`, so a
 * caller can keep an old unit-less flag working while asking for the unit.
 */
export function parseDuration(text: string, bareUnit: DurationUnit): ParsedDuration {
  const input = text.trim()
  if (input.length === 0 || input.length > MAX_LENGTH) return invalid(text)
  if (BARE.test(input)) return checked(text, Number(input) * UNIT_MS[bareUnit], true)
  let ms = 0
  let position = 0
  let lastUnit = -1
  while (position < input.length) {
    PART.lastIndex = position
    const match = PART.exec(input)
    if (!match) return invalid(text)
    const unit = DURATION_UNITS.indexOf(match[2] as DurationUnit)
    if (unit <= lastUnit) return invalid(text)
    lastUnit = unit
    ms += Number(match[1]) * UNIT_MS[DURATION_UNITS[unit]]
    position = PART.lastIndex
  }
  return checked(text, ms, false)
}

function checked(text: string, ms: number, bare: boolean): ParsedDuration {
  // Sub-millisecond remainders would be silently dropped by every timer: refuse them instead.
  const whole = Math.round(ms)
  if (Math.abs(ms - whole) > 1e-6) return {ok: false, reason: `"${text}" is not a whole number of milliseconds`}
  if (!Number.isSafeInteger(whole)) return {ok: false, reason: `"${text}" is too long a duration`}
  return {ok: true, ms: whole, bare}
}

/** Formats milliseconds in the same syntax, largest units first: 90000 → "1m30s", 0 → "0ms". */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`${ms} is not a whole, non-negative duration`)
  if (ms === 0) return '0ms'
  let rest = ms
  let text = ''
  for (const unit of DURATION_UNITS) {
    const count = Math.floor(rest / UNIT_MS[unit])
    if (count === 0) continue
    text += `${count}${unit}`
    rest -= count * UNIT_MS[unit]
  }
  return text
}

/** "seconds" for "s": how a bare number of that unit is described to the user. */
export function durationUnitName(unit: DurationUnit): string {
  return UNIT_NAMES[unit]
}
