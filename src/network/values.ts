import {parseAddressRange, parseNetwork} from './ip.js'
import {own} from './json-values.js'
import type {Field, MatchValue} from './ruleset.types.js'

/** Protocol numbers nft and iptables may print instead of names. */
const PROTOCOL_NAMES: Record<string, string> = {
  '1': 'icmp',
  '2': 'igmp',
  '6': 'tcp',
  '17': 'udp',
  '33': 'dccp',
  '47': 'gre',
  '50': 'esp',
  '51': 'ah',
  '58': 'ipv6-icmp',
  '132': 'sctp',
  '136': 'udplite',
  icmpv6: 'ipv6-icmp',
}

/** Well-known service names that appear in place of port numbers. */
const SERVICES: Record<string, number> = {
  ssh: 22,
  smtp: 25,
  domain: 53,
  http: 80,
  www: 80,
  ntp: 123,
  https: 443,
  'http-alt': 8080,
}

export function normaliseProtocol(text: string): string {
  const lower = text.toLowerCase()
  return own(PROTOCOL_NAMES, lower) ?? lower
}

const NFPROTO: Record<string, string> = {ip: 'ipv4', ipv4: 'ipv4', ip6: 'ipv6', ipv6: 'ipv6', '2': 'ipv4', '10': 'ipv6'}

function parsePort(text: string): number | null {
  if (/^\d{1,5}$/.test(text)) {
    const n = Number(text)
    return n <= 65_535 ? n : null
  }
  return own(SERVICES, text.toLowerCase()) ?? null
}

/** Parses a scalar written by nft or iptables into a MatchValue for a field; null when not understood. */
export function scalarValue(field: Field, raw: string | number): MatchValue | null {
  const text = String(raw)
  switch (field) {
    case 'saddr':
    case 'daddr': {
      const range = parseNetwork(text)
      return range ? {kind: 'addr', range} : null
    }
    case 'sport':
    case 'dport': {
      const port = parsePort(text)
      return port === null ? null : {kind: 'num', low: port, high: port}
    }
    case 'l4proto':
      return {kind: 'str', text: normaliseProtocol(text)}
    case 'nfproto': {
      const name = own(NFPROTO, text.toLowerCase())
      return name ? {kind: 'str', text: name} : null
    }
    case 'ctstate':
    case 'dtype':
      return {kind: 'str', text: text.toLowerCase()}
    case 'iif':
    case 'oif':
      return {kind: 'str', text}
  }
}

/** A range value (ports or addresses) from its two ends; null when not understood. */
export function rangeValue(field: Field, from: string | number, to: string | number): MatchValue | null {
  if (field === 'saddr' || field === 'daddr') {
    const range = parseAddressRange(String(from), String(to))
    return range ? {kind: 'addr', range} : null
  }
  if (field === 'sport' || field === 'dport') {
    const low = parsePort(String(from))
    const high = parsePort(String(to))
    return low === null || high === null || low > high ? null : {kind: 'num', low, high}
  }
  return null
}
