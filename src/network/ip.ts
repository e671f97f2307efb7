import {isIPv4, isIPv6} from 'node:net'

/** An address range [low, high] of one family, as 128-bit or 32-bit integers. */
export interface AddressRange {
  family: 4 | 6
  low: bigint
  high: bigint
}

function ipv4ToBigInt(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n)
}

function ipv6ToBigInt(text: string): bigint {
  let address = text
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)
  if (v4) {
    const value = ipv4ToBigInt(v4[1])
    address = `${address.slice(0, -v4[1].length)}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`
  }
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined]
  const headGroups = head ? head.split(':') : []
  const tailGroups = tail ? tail.split(':') : []
  const missing = 8 - headGroups.length - tailGroups.length
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups]
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n)
}

/** The family of an address literal, or null when it is not one. */
export function addressFamily(text: string): 4 | 6 | null {
  if (isIPv4(text)) return 4
  if (isIPv6(stripZone(text))) return 6
  return null
}

function stripZone(text: string): string {
  const percent = text.indexOf('%')
  return percent < 0 ? text : text.slice(0, percent)
}

/** Parses an address to a single-address range; null when it is not an address. */
export function parseAddress(text: string): AddressRange | null {
  const family = addressFamily(text)
  if (family === null) return null
  const value = family === 4 ? ipv4ToBigInt(text) : ipv6ToBigInt(stripZone(text))
  return {family, low: value, high: value}
}

/** Parses `addr`, `addr/len` or `addr/dotted-mask` (iptables) into a range; null when invalid. */
export function parseNetwork(text: string): AddressRange | null {
  const slash = text.indexOf('/')
  if (slash < 0) return parseAddress(text)
  const base = parseAddress(text.slice(0, slash))
  if (!base) return null
  const suffix = text.slice(slash + 1)
  const bits = base.family === 4 ? 32 : 128
  let length: number
  if (/^\d+$/.test(suffix)) length = Number(suffix)
  else if (base.family === 4 && isIPv4(suffix)) {
    const mask = ipv4ToBigInt(suffix)
    length = mask.toString(2).replace(/0+$/, '').length
    if (mask !== 0n && !/^1+0*$/.test(mask.toString(2).padStart(32, '0'))) return null
  } else return null
  if (length > bits) return null
  return prefixRange(base.family, base.low, length)
}

/** The range covered by base/length. */
export function prefixRange(family: 4 | 6, base: bigint, length: number): AddressRange {
  const bits = BigInt(family === 4 ? 32 : 128)
  const hostBits = bits - BigInt(length)
  const size = 1n << hostBits
  const low = (base >> hostBits) << hostBits
  return {family, low, high: low + size - 1n}
}

/** Builds a range between two addresses of the same family; null when invalid. */
export function parseAddressRange(from: string, to: string): AddressRange | null {
  const a = parseAddress(from)
  const b = parseAddress(to)
  if (!a || !b || a.family !== b.family) return null
  return {family: a.family, low: a.low, high: b.high}
}

/** Whether `outer` contains every address of `inner`. */
export function rangeContains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.family === inner.family && outer.low <= inner.low && inner.high <= outer.high
}

/** Whether two ranges share at least one address. */
export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.low <= b.high && b.low <= a.high
}
