import {isIPv4} from 'node:net'

import {parseIpAddress} from '../core/net.js'

/** An address range [low, high] of one family, as 128-bit or 32-bit integers. */
export interface AddressRange {
  family: 4 | 6
  low: bigint
  high: bigint
}

/** The family of an address literal, or null when it is not one. */
export function addressFamily(text: string): 4 | 6 | null {
  return parseIpAddress(text)?.family ?? null
}

/** Parses an address to a single-address range; null when it is not an address. */
export function parseAddress(text: string): AddressRange | null {
  const address = parseIpAddress(text)
  return address && {family: address.family, low: address.value, high: address.value}
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
    const mask = parseAddress(suffix)!.low
    length = mask.toString(2).replace(/0+$/, '').length
    if (mask !== 0n && !/^1+0*$/.test(mask.toString(2).padStart(32, '0'))) return null
  } else return null
  if (length > bits) return null
  return prefixRange(base.family, base.low, length)
}

/** The range covered by base/length. */
function prefixRange(family: 4 | 6, base: bigint, length: number): AddressRange {
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
