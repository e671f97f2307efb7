import {isIPv4, isIPv6} from 'node:net'

/** An IP address literal as a number of its family (32 or 128 bits). */
export interface IpAddress {
  family: 4 | 6
  value: bigint
}

const MAPPED_IPV4_PREFIX = 0xffffn << 32n

function ipv4ToBigInt(text: string): bigint {
  // Summed as a Number (exact below 2^53) and converted once: BigInt steps per octet are slow.
  let value = 0
  for (const part of text.split('.')) value = value * 256 + Number(part)
  return BigInt(value)
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

function stripZone(text: string): string {
  const percent = text.indexOf('%')
  return percent < 0 ? text : text.slice(0, percent)
}

/**
 * Parses an address literal (`10.0.0.1`, `::1`, `fe80::1%eth0`, `[::1]`); null when it is not one.
 * Only the canonical dotted-quad IPv4 form counts: `0177.0.0.1` or `2130706433` is no address here,
 * so a host name that merely looks numeric is never taken for loopback.
 */
export function parseIpAddress(text: string): IpAddress | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  if (isIPv4(bare)) return {family: 4, value: ipv4ToBigInt(bare)}
  const unzoned = stripZone(bare)
  if (isIPv6(unzoned)) return {family: 6, value: ipv6ToBigInt(unzoned)}
  return null
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) carries, else null. */
function mappedIpv4(address: IpAddress): bigint | null {
  if (address.family !== 6 || address.value >> 32n !== 0xffffn) return null
  return address.value - MAPPED_IPV4_PREFIX
}

/**
 * Whether a bind or peer address reaches this host only: 127.0.0.0/8, ::1 (any spelling, with or
 * without brackets), ::ffff:127.x.x.x, or the name `localhost`. Anything else, including names such as
 * `127.0.0.1.example.com` or `foo.localhost`, is not loopback.
 */
export function isLoopbackAddress(address: string): boolean {
  const host = address.toLowerCase()
  if (host === 'localhost' || host === 'localhost.') return true
  const parsed = parseIpAddress(host)
  if (!parsed) return false
  if (parsed.family === 4) return parsed.value >> 24n === 127n
  const mapped = mappedIpv4(parsed)
  return parsed.value === 1n || (mapped !== null && mapped >> 24n === 127n)
}

/** Whether a bind address means every interface: 0.0.0.0, ::, [::] (any spelling) or `*`. */
export function isWildcardAddress(address: string): boolean {
  if (address === '*') return true
  const parsed = parseIpAddress(address)
  return parsed !== null && (parsed.value === 0n || mappedIpv4(parsed) === 0n)
}
