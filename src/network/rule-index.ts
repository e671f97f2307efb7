import {parseAddress, type AddressRange} from './ip.js'
import type {Field, FieldValue, MatchValue} from './ruleset.types.js'

/**
 * Indexes of long rule lists (a chain's rules, a verdict map's entries) by the exact values they
 * require of one packet field: kube-proxy's KUBE-SERVICES chain holds one rule per service, each
 * for one cluster IP and port. For a packet whose field value is known, the index yields the items
 * that could match; every other item has a condition that is certainly false for the packet
 * (matchValues would answer "no"), so skipping it changes no outcome.
 */

/** Lists shorter than this are scanned: an index costs more than it saves. */
const MIN_INDEXED = 32
/** Fields an index may key on, and how many of them one list indexes. */
const INDEX_FIELDS: Field[] = ['daddr', 'dport', 'saddr', 'sport', 'iif', 'oif', 'l4proto']
const MAX_FIELDS = 2
/** A packet address known to be one of at most this many is looked up address by address. */
const MAX_AMONG = 64

interface FieldIndex {
  field: Field
  /** Items with no exact requirement on the field, ascending: always candidates. */
  unkeyed: number[]
  /** Item positions, ascending, by exact key. */
  buckets: Map<string, number[]>
  /** Kinds of keys present: a packet value these kinds cannot decide makes the index unusable. */
  hasNum: boolean
  hasAddr: boolean
  hasStr: boolean
}

/** One list's indexes; `size` is the list length it was built for. */
export interface ListIndex {
  size: number
  fields: FieldIndex[]
}

/** The key of a value only equal to itself, or null (a range, a prefix, an interface wildcard). */
function exactKey(field: Field, value: MatchValue): string | null {
  if (value.kind === 'num') return value.low === value.high ? `n:${value.low}` : null
  if (value.kind === 'addr')
    return value.range.low === value.range.high ? `a:${value.range.family}:${value.range.low}` : null
  if ((field === 'iif' || field === 'oif') && value.text.endsWith('*')) return null
  return `s:${value.text}`
}

function exactKeys(field: Field, values: MatchValue[]): string[] | null {
  const keys: string[] = []
  for (const value of values) {
    const key = exactKey(field, value)
    if (key === null) return null
    keys.push(key)
  }
  return keys.length > 0 ? keys : null
}

/**
 * Builds the indexes of a list; `required(i, field)` gives the values item i requires of the field
 * (a positive condition, or a map entry's keys), or null when it requires none.
 */
export function buildListIndex(size: number, required: (i: number, field: Field) => MatchValue[] | null): ListIndex {
  if (size < MIN_INDEXED) return {size, fields: []}
  const built: (FieldIndex & {keyed: number})[] = []
  for (const field of INDEX_FIELDS) {
    const index = {
      field,
      unkeyed: [] as number[],
      buckets: new Map<string, number[]>(),
      hasNum: false,
      hasAddr: false,
      hasStr: false,
    }
    let keyed = 0
    for (let i = 0; i < size; i++) {
      const values = required(i, field)
      const keys = values && exactKeys(field, values)
      if (!keys) {
        index.unkeyed.push(i)
        continue
      }
      keyed++
      for (const key of new Set(keys)) {
        index.hasNum ||= key.startsWith('n:')
        index.hasAddr ||= key.startsWith('a:')
        index.hasStr ||= key.startsWith('s:')
        const bucket = index.buckets.get(key)
        if (bucket) bucket.push(i)
        else index.buckets.set(key, [i])
      }
    }
    if (keyed * 2 >= size) built.push({...index, keyed})
  }
  built.sort((a, b) => b.keyed - a.keyed)
  return {size, fields: built.slice(0, MAX_FIELDS)}
}

/** A packet value's keys of each kind (null: not a number, not an address), computed once per value object. */
interface ValueKeys {
  s: string
  n: string | null
  a: string | null
}

const valueKeys = new WeakMap<object, ValueKeys>()

function keysOf(known: {value: string | number}): ValueKeys {
  let keys = valueKeys.get(known)
  if (!keys) {
    const value = known.value
    const number = typeof value === 'number' ? value : Number(value)
    const address = typeof value === 'number' ? null : parseAddress(value)
    keys = {
      s: `s:${String(value)}`,
      n: Number.isFinite(number) ? `n:${number}` : null,
      a: address ? `a:${address.family}:${address.low}` : null,
    }
    valueKeys.set(known, keys)
  }
  return keys
}

/** The keys a known packet value can equal, or null when some keyed item could not be decided for it. */
function lookupKeys(index: FieldIndex, known: {value: string | number}): string[] | null {
  const {s, n, a} = keysOf(known)
  const keys = [s]
  if (index.hasNum) {
    if (n === null) return null
    keys.push(n)
  }
  if (index.hasAddr) {
    if (a === null) return null
    keys.push(a)
  }
  return keys
}

/** Merges two ascending lists without repeats (the usual case: unkeyed items and one bucket). */
function mergeTwo(a: number[], b: number[]): number[] {
  if (a.length === 0) return b
  if (b.length === 0) return a
  const out: number[] = []
  let [i, j] = [0, 0]
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++]
    if (out.length === 0 || out[out.length - 1] !== next) out.push(next)
  }
  return out
}

/** Merges ascending position lists into one ascending list without repeats. */
function mergeAscending(lists: number[][]): number[] {
  if (lists.length === 1) return lists[0]
  if (lists.length === 2) return mergeTwo(lists[0], lists[1])
  const seen = new Set<number>()
  for (const list of lists) for (const i of list) seen.add(i)
  return [...seen].sort((a, b) => a - b)
}

/** One of a few known addresses: the items keyed on any of them, and the unkeyed ones. */
function amongCandidates(index: FieldIndex, ranges: AddressRange[]): number[][] | null {
  if (index.hasNum || index.hasStr || !index.hasAddr || ranges.length > MAX_AMONG) return null
  const lists = [index.unkeyed]
  for (const range of ranges) {
    if (range.low !== range.high) return null
    const bucket = index.buckets.get(`a:${range.family}:${range.low}`)
    if (bucket) lists.push(bucket)
  }
  return lists
}

function candidatesOf(index: FieldIndex, known: FieldValue): number[][] | null {
  // A field the packet does not have, or has with a value no rule names: exact requirements fail.
  if (known.kind === 'absent' || known.kind === 'other') return [index.unkeyed]
  if (known.kind === 'among') return amongCandidates(index, known.ranges)
  if (known.kind !== 'value') return null
  const keys = lookupKeys(index, known)
  if (!keys) return null
  const lists = [index.unkeyed]
  for (const key of keys) {
    const bucket = index.buckets.get(key)
    if (bucket) lists.push(bucket)
  }
  return lists
}

/**
 * The positions of the items that may match a packet with these field values, ascending, or null
 * when no index applies (scan every item).
 */
export function listCandidates(list: ListIndex, fields: Record<Field, FieldValue>): number[] | null {
  let best: number[][] | null = null
  let bestSize = Infinity
  for (const index of list.fields) {
    const lists = candidatesOf(index, fields[index.field])
    if (!lists) continue
    let size = 0
    for (const l of lists) size += l.length
    if (size < bestSize) [best, bestSize] = [lists, size]
  }
  return best && mergeAscending(best)
}
