import {append} from '../core/arrays.js'
import {isObj, own, preview, text, type Json, type Obj} from './json-values.js'
import type {Condition, Field, MatchValue} from './ruleset.types.js'
import {normaliseProtocol, rangeValue, scalarValue} from './values.js'

/** Named sets and maps of one table (raw elements), and their converted values per field. */
export interface Sets {
  elements: Map<string, Json[]>
  converted: Map<string, MatchValue[] | null>
}

interface Target {
  field: Field | null
  implied: Condition[]
  label: string
}

const TRANSPORT = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite'])
const OTHER_L4 = new Set(['icmp', 'icmpv6', 'igmp', 'esp', 'ah'])
/** Set elements converted per rule: bounds the work a hostile set can cause. */
const MAX_VALUES = 1_000_000

export const is = (field: Field, value: string): Condition => ({
  field,
  negate: false,
  values: [{kind: 'str', text: value}],
})

function payloadTarget(protocol: string, field: string): Target {
  const label = `${protocol} ${field}`
  if (protocol === 'ip' || protocol === 'ip6') {
    const implied = [is('nfproto', protocol === 'ip' ? 'ipv4' : 'ipv6')]
    if (field === 'saddr' || field === 'daddr') return {field, implied, label}
    if (field === 'protocol' || field === 'nexthdr') return {field: 'l4proto', implied, label}
    return {field: null, implied, label}
  }
  if (TRANSPORT.has(protocol) || protocol === 'th') {
    const implied = protocol === 'th' ? [] : [is('l4proto', protocol)]
    return {field: field === 'sport' || field === 'dport' ? field : null, implied, label}
  }
  if (OTHER_L4.has(protocol)) return {field: null, implied: [is('l4proto', normaliseProtocol(protocol))], label}
  return {field: null, implied: [], label}
}

const META_FIELDS: Record<string, Field> = {
  iif: 'iif',
  iifname: 'iif',
  oif: 'oif',
  oifname: 'oif',
  l4proto: 'l4proto',
  nfproto: 'nfproto',
  protocol: 'nfproto',
}

/** What the left side of a match (or a map key) tests. */
export function describeTarget(left: Json): Target {
  if (isObj(left) && isObj(left.payload)) {
    const protocol = text(left.payload.protocol)
    const field = text(left.payload.field)
    if (protocol !== undefined && field !== undefined) return payloadTarget(protocol, field)
  }
  if (isObj(left) && isObj(left.meta)) {
    const key = text(left.meta.key)
    if (key !== undefined) return {field: own(META_FIELDS, key) ?? null, implied: [], label: `meta ${key}`}
  }
  if (isObj(left) && isObj(left.ct) && left.ct.key === 'state' && left.ct.dir === undefined) {
    return {field: 'ctstate', implied: [], label: 'ct state'}
  }
  if (isObj(left) && isObj(left.fib) && left.fib.result === 'type') {
    const flags = Array.isArray(left.fib.flags) ? left.fib.flags : []
    if (flags.length === 1 && flags[0] === 'daddr') return {field: 'dtype', implied: [], label: 'fib daddr type'}
  }
  return {field: null, implied: impliedProtocols(left, 0), label: preview(left)}
}

/** Payload expressions buried in binary operations still imply their protocol (tcp flags & syn). */
function impliedProtocols(node: Json, depth: number): Condition[] {
  if (depth > 8 || node === null || typeof node !== 'object') return []
  if (isObj(node) && isObj(node.payload)) {
    const protocol = text(node.payload.protocol)
    if (protocol !== undefined) return payloadTarget(protocol, '').implied
  }
  const children = Array.isArray(node) ? node : Object.values(node)
  const out: Condition[] = []
  for (const child of children.slice(0, 16)) append(out, impliedProtocols(child, depth + 1))
  return out
}

function namedSet(field: Field, name: string, sets: Sets, depth: number): MatchValue[] | null {
  const key = `${field}\u0000${name}`
  if (sets.converted.has(key)) return sets.converted.get(key) ?? null
  const elements = sets.elements.get(name)
  const values = elements ? convertValues(field, elements, sets, depth + 1) : null
  sets.converted.set(key, values)
  return values
}

/** Converts the right side of a match into values of a field; null when any part is not understood. */
export function convertValues(field: Field, right: Json, sets: Sets, depth = 0): MatchValue[] | null {
  if (depth > 4) return null
  if (typeof right === 'string' && right.startsWith('@')) return namedSet(field, right.slice(1), sets, depth)
  const scalar = text(right)
  if (scalar !== undefined) {
    const one = scalarValue(field, scalar)
    return one ? [one] : null
  }
  if (Array.isArray(right) || (isObj(right) && Array.isArray(right.set))) {
    const list = Array.isArray(right) ? right : (right.set as Json[])
    if (list.length > MAX_VALUES) return null
    const out: MatchValue[] = []
    for (const element of list) {
      const converted = convertValues(field, element, sets, depth + 1)
      if (!converted) return null
      append(out, converted)
    }
    return out
  }
  if (isObj(right) && isObj(right.prefix)) {
    const addr = text(right.prefix.addr)
    const len = right.prefix.len
    return addr !== undefined && typeof len === 'number' ? convertValues(field, `${addr}/${len}`, sets) : null
  }
  if (isObj(right) && Array.isArray(right.range) && right.range.length === 2) {
    const [a, b] = right.range.map(text)
    const value = a !== undefined && b !== undefined ? rangeValue(field, a, b) : null
    return value ? [value] : null
  }
  if (isObj(right) && isObj(right.elem)) return convertValues(field, right.elem.val, sets, depth + 1)
  return null
}

/** Converts one `match` statement into conditions (unknown where not understood). */
export function convertMatch(match: Obj, sets: Sets): {conditions: Condition[]; text: string} {
  const target = describeTarget(match.left)
  const op = text(match.op) ?? '=='
  const label = `${target.label} ${op === '==' || op === 'in' ? '' : `${op} `}${preview(match.right, 60)}`
  const unknown: Condition = {field: 'unknown', what: label}
  if (!target.field) return {conditions: [...target.implied, unknown], text: label}
  const values = convertValues(target.field, match.right, sets)
  if (!values) return {conditions: [...target.implied, unknown], text: label}
  if (op === '==' || op === 'in' || op === '!=') {
    return {conditions: [...target.implied, {field: target.field, negate: op === '!=', values}], text: label}
  }
  const single = values.length === 1 && values[0].kind === 'num' ? values[0] : null
  if (single && ['<', '>', '<=', '>='].includes(op)) {
    const bound = single.low
    const low = op === '>' ? bound + 1 : op === '>=' ? bound : 0
    const high = op === '<' ? bound - 1 : op === '<=' ? bound : 65_535
    const range: Condition = {field: target.field, negate: false, values: [{kind: 'num', low, high}]}
    return {conditions: [...target.implied, range], text: label}
  }
  return {conditions: [...target.implied, unknown], text: label}
}
