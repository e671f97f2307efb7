import {readdirSync, readFileSync, readlinkSync} from 'node:fs'
import {join} from 'node:path'

import {isLoopbackAddress, isWildcardAddress} from '../core/net.js'
import {append} from '../core/arrays.js'
import {syncOr} from '../core/fs.js'

/** A listening socket read from /proc/net, with the process that owns it when visible. */
export interface ListeningSocket {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6'
  /** Local address as text: 0.0.0.0, 127.0.0.1, ::, ::1, … */
  address: string
  port: number
  /** True when bound to a loopback address only (src/core/net.ts isLoopbackAddress). */
  loopback: boolean
  /** True when bound to the wildcard address (0.0.0.0 or ::), i.e. every interface. */
  wildcard: boolean
  uid: number
  inode: number
  /** Owning process; null when not visible (another user's process without root). */
  pid: number | null
  process: string | null
}

export interface SocketScan {
  sockets: ListeningSocket[]
  /** Files that could not be read (e.g. /proc/net/udp6 on a host without IPv6). */
  unreadable: string[]
  /** True when some sockets' owners could not be resolved (not root). */
  ownersIncomplete: boolean
}

const TCP_LISTEN = '0A'
const UDP_UNCONNECTED = '07'
/** Upper bound on lines read per /proc/net file, so a huge table cannot exhaust memory. */
const MAX_LINES = 200_000

function decodeIpv4(hex: string): string {
  const value = Number.parseInt(hex, 16)
  // /proc/net prints the 32-bit address in host (little-endian) order.
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff].join('.')
}

function decodeIpv6(hex: string): string {
  const groups: string[] = []
  for (let word = 0; word < 4; word++) {
    const chunk = hex.slice(word * 8, word * 8 + 8)
    // each 32-bit word is little-endian
    const bytes = chunk.match(/../g)!.reverse().join('')
    groups.push(bytes.slice(0, 4), bytes.slice(4, 8))
  }
  const full = groups.map((g) => Number.parseInt(g, 16).toString(16)).join(':')
  if (full.startsWith('0:0:0:0:0:ffff:')) {
    const v4 = groups.slice(6).join('')
    return `::ffff:${decodeIpv4(v4.match(/../g)!.reverse().join(''))}`
  }
  return compressIpv6(full)
}

function compressIpv6(full: string): string {
  const parts = full.split(':')
  let bestStart = -1
  let bestLength = 0
  for (let i = 0; i < parts.length;) {
    if (parts[i] !== '0') {
      i++
      continue
    }
    let j = i
    while (j < parts.length && parts[j] === '0') j++
    if (j - i > bestLength && j - i > 1) [bestStart, bestLength] = [i, j - i]
    i = j
  }
  if (bestStart < 0) return full
  const head = parts.slice(0, bestStart).join(':')
  const tail = parts.slice(bestStart + bestLength).join(':')
  return `${head}::${tail}`
}

/** Parses one /proc/net/{tcp,tcp6,udp,udp6} table into its listening sockets. */
export function parseProcNet(text: string, protocol: ListeningSocket['protocol']): ListeningSocket[] {
  const sockets: ListeningSocket[] = []
  const lines = text.split('\n', MAX_LINES)
  const wanted = protocol.startsWith('tcp') ? TCP_LISTEN : UDP_UNCONNECTED
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/)
    if (fields.length < 10 || fields[3] !== wanted) continue
    const [addressHex, portHex] = fields[1].split(':')
    if (!addressHex || !portHex || !/^[0-9A-Fa-f]+$/.test(addressHex + portHex)) continue
    const ipv6 = protocol.endsWith('6')
    if (addressHex.length !== (ipv6 ? 32 : 8)) continue
    const address = ipv6 ? decodeIpv6(addressHex) : decodeIpv4(addressHex)
    sockets.push({
      protocol,
      address,
      port: Number.parseInt(portHex, 16),
      loopback: isLoopbackAddress(address),
      wildcard: isWildcardAddress(address),
      uid: Number(fields[7]),
      inode: Number(fields[9]),
      pid: null,
      process: null,
    })
  }
  return sockets
}

/**
 * Maps socket inodes to the PIDs that hold them, from /proc/<pid>/fd links we may read. No
 * socket wanted (nothing listens): no link is read. Synchronous on purpose: a host has thousands
 * of descriptors, /proc answers from memory, and a synchronous readlink costs a fraction of a
 * promise-based one.
 */
function mapInodesToPids(procRoot: string, wanted: Set<number>): Map<number, number> {
  const owners = new Map<number, number>()
  if (wanted.size === 0) return owners
  for (const pid of syncOr(() => readdirSync(procRoot), [] as string[])) {
    if (!/^\d+$/.test(pid)) continue
    const fdDir = join(procRoot, pid, 'fd')
    for (const fd of syncOr(() => readdirSync(fdDir), [] as string[])) {
      const target = syncOr(() => readlinkSync(join(fdDir, fd)), '')
      const match = /^socket:\[(\d+)\]$/.exec(target)
      if (match && wanted.has(Number(match[1]))) owners.set(Number(match[1]), Number(pid))
    }
  }
  return owners
}

function readProcessName(procRoot: string, pid: number): string | null {
  const comm = syncOr(() => readFileSync(join(procRoot, String(pid), 'comm'), 'utf8'), null)
  return comm === null ? null : comm.trim()
}

/**
 * Lists listening TCP sockets and bound UDP sockets from /proc/net, with their owning
 * processes where this user may see them. Works without root (owners then incomplete).
 */
export async function listListeningSockets(options: {procRoot?: string; udp?: boolean} = {}): Promise<SocketScan> {
  const procRoot = options.procRoot ?? '/proc'
  const tables: ListeningSocket['protocol'][] = options.udp === false ? ['tcp', 'tcp6'] : ['tcp', 'tcp6', 'udp', 'udp6']
  const unreadable: string[] = []
  const sockets: ListeningSocket[] = []
  for (const protocol of tables) {
    const file = join(procRoot, 'net', protocol)
    const text = syncOr(() => readFileSync(file, 'utf8'), null)
    if (text === null) unreadable.push(file)
    else append(sockets, parseProcNet(text, protocol))
  }
  const owners = mapInodesToPids(procRoot, new Set(sockets.map((s) => s.inode)))
  const names = new Map<number, string | null>()
  for (const socket of sockets) {
    const pid = owners.get(socket.inode)
    if (pid === undefined) continue
    if (!names.has(pid)) names.set(pid, readProcessName(procRoot, pid))
    socket.pid = pid
    socket.process = names.get(pid) ?? null
  }
  const ownersIncomplete = sockets.some((s) => s.pid === null && s.inode !== 0)
  return {sockets, unreadable, ownersIncomplete}
}
