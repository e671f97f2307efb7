import {parseAddress, rangeContains, type AddressRange} from './ip.js'
import type {Condition, Field, FieldValue, MatchValue} from './ruleset.types.js'

/** Three-valued logic: a condition matches, does not, or cannot be decided. */
export type Tri = 'yes' | 'no' | 'maybe'

/** The fields of a packet at one hook, as far as they are known. */
export interface EvalPacket {
  family: 4 | 6
  /** in: to this host (routed after prerouting); out: from it; forward: through it. */
  path: 'in' | 'out' | 'forward'
  /** ct state new: nat chains only see the first packet of a connection. */
  ctNew: boolean
  fields: Record<Field, FieldValue>
}

/** A copy of a packet's fields, written out (object spread is slow on this hot path). */
export function copyFields(f: Record<Field, FieldValue>): Record<Field, FieldValue> {
  const {iif, oif, l4proto, nfproto, saddr, daddr, sport, dport, ctstate, dtype} = f
  return {iif, oif, l4proto, nfproto, saddr, daddr, sport, dport, ctstate, dtype}
}

/** A packet's address is compared with thousands of rules: parse it once per field value. */
const parsedAddresses = new WeakMap<object, AddressRange | null>()

function addressOf(known: {value: string | number}): AddressRange | null {
  let parsed = parsedAddresses.get(known)
  if (parsed === undefined) {
    parsed = parseAddress(String(known.value))
    parsedAddresses.set(known, parsed)
  }
  return parsed
}

function valueContains(field: Field, candidate: MatchValue, known: {value: string | number}): Tri {
  const value = known.value
  if (candidate.kind === 'addr') {
    const address = addressOf(known)
    if (!address) return 'maybe'
    if (address.family !== candidate.range.family) return 'no'
    return candidate.range.low <= address.low && address.high <= candidate.range.high ? 'yes' : 'no'
  }
  if (candidate.kind === 'num') {
    const number = typeof value === 'number' ? value : Number(value)
    if (!Number.isFinite(number)) return 'maybe'
    return number >= candidate.low && number <= candidate.high ? 'yes' : 'no'
  }
  const text = String(value)
  if (field === 'iif' || field === 'oif') {
    if (candidate.text.endsWith('*')) return text.startsWith(candidate.text.slice(0, -1)) ? 'yes' : 'no'
  }
  return candidate.text === text ? 'yes' : 'no'
}

/** Whether a field's value is one of `values` (before negation). */
export function matchValues(field: Field, known: FieldValue, values: MatchValue[]): Tri {
  switch (known.kind) {
    case 'unknown':
      return 'maybe'
    case 'absent':
    case 'other':
      return 'no'
    case 'except': {
      // Known not to be any excluded value: decided only when every candidate is one of those.
      const allExcluded = values.every(
        (v) => v.kind === 'str' && !v.text.endsWith('*') && known.values.includes(v.text),
      )
      return allExcluded ? 'no' : 'maybe'
    }
    case 'range':
      return matchRange(known, values)
    case 'outside':
      // Decided only when every candidate lies inside the excluded ranges.
      return values.every((v) => v.kind === 'addr' && known.ranges.some((r) => rangeContains(r, v.range)))
        ? 'no'
        : 'maybe'
    case 'among':
      return matchAmong(known.ranges, values)
    case 'value': {
      let result: Tri = 'no'
      for (const candidate of values) {
        const one = valueContains(field, candidate, known)
        if (one === 'yes') return 'yes'
        if (one === 'maybe') result = 'maybe'
      }
      return result
    }
  }
}

/** Some address within `ranges` (each wholly one of this host's): yes when all lie inside the values, no when none touch them. */
function matchAmong(ranges: AddressRange[], values: MatchValue[]): Tri {
  if (values.some((v) => v.kind !== 'addr')) return 'maybe'
  let inside = 0
  let touching = 0
  for (const range of ranges) {
    let contained = false
    let overlaps = false
    for (const v of values) {
      if (v.kind !== 'addr' || v.range.family !== range.family) continue
      if (rangeContains(v.range, range)) contained = true
      else if (v.range.low <= range.high && range.low <= v.range.high) overlaps = true
    }
    if (contained) inside++
    else if (overlaps) touching++
  }
  if (inside === ranges.length) return 'yes'
  return inside === 0 && touching === 0 ? 'no' : 'maybe'
}

function matchRange(known: {low: number; high: number}, values: MatchValue[]): Tri {
  let result: Tri = 'no'
  for (const candidate of values) {
    if (candidate.kind !== 'num') return 'maybe'
    if (candidate.low <= known.low && known.high <= candidate.high) return 'yes'
    if (candidate.low <= known.high && known.low <= candidate.high) result = 'maybe'
  }
  return result
}

function negate(value: Tri): Tri {
  return value === 'yes' ? 'no' : value === 'no' ? 'yes' : 'maybe'
}

/** Evaluates one condition against a packet. */
function matchCondition(condition: Condition, packet: EvalPacket): Tri {
  if (condition.field === 'unknown') return 'maybe'
  const known = packet.fields[condition.field]
  // A field the hook does not have (oif on input) fails the expression whatever its operator.
  if (known.kind === 'absent') return 'no'
  const result = matchValues(condition.field, known, condition.values)
  return condition.negate ? negate(result) : result
}

/** All conditions of a rule (AND): no if any fails, yes if all hold, else maybe. */
export function matchConditions(conditions: Condition[], packet: EvalPacket): Tri {
  let result: Tri = 'yes'
  for (const condition of conditions) {
    const one = matchCondition(condition, packet)
    if (one === 'no') return 'no'
    if (one === 'maybe') result = 'maybe'
  }
  return result
}
