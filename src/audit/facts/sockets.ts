import {readdir, readFile, readlink} from 'node:fs/promises'

import type {FactProvider} from './cache.js'
import type {ListeningSocket} from './fact-map.js'

const TCP_LISTEN = '0A'
const UDP_UNCONNECTED = '07'
const MAX_FDS = 200_000

/** Decodes the hex address of /proc/net/tcp (little-endian words) into dotted or colon form. */
export function decodeAddress(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.')
  const bytes: number[] = []
  for (let word = 0; word < 4; word++) {
    const chunk = hex.slice(word * 8, word * 8 + 8)
    for (let i = 3; i >= 0; i--) bytes.push(parseInt(chunk.slice(i * 2, i * 2 + 2), 16))
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join('.')}`
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16))
  return groups
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::')
    .replace(/:{3,}/, '::')
}

/** Parses /proc/net/{tcp,tcp6,udp,udp6} into listening sockets (TCP LISTEN, unconnected UDP). */
export function parseProcNet(text: string, protocol: ListeningSocket['protocol']): ListeningSocket[] {
  const state = protocol.startsWith('tcp') ? TCP_LISTEN : UDP_UNCONNECTED
  const out: ListeningSocket[] = []
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length < 10 || f[3] !== state) continue
    const [addr, port] = f[1].split(':')
    out.push({
      protocol,
      address: decodeAddress(addr),
      port: parseInt(port, 16),
      inode: Number(f[9]),
      pid: null,
      process: null,
    })
  }
  return out
}

async function ownersByInode(wanted: Set<number>): Promise<Map<number, {pid: number; comm: string}>> {
  const owners = new Map<number, {pid: number; comm: string}>()
  let budget = MAX_FDS
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || budget <= 0) continue
    let fds: string[] = []
    try {
      fds = await readdir(`/proc/${name}/fd`)
    } catch {
      continue
    }
    budget -= fds.length
    for (const fd of fds) {
      const target = await readlink(`/proc/${name}/fd/${fd}`).catch(() => '')
      const inode = Number(/^socket:\[(\d+)\]$/.exec(target)?.[1])
      if (!wanted.has(inode) || owners.has(inode)) continue
      const comm = (await readFile(`/proc/${name}/comm`, 'utf8').catch(() => '')).trim()
      owners.set(inode, {pid: Number(name), comm})
    }
  }
  return owners
}

/**
 * Listening sockets of the running host from /proc/net (own implementation until
 * src/network/sockets.ts lands on main), with the owning process where /proc allows.
 */
export const socketsProvider: FactProvider<'sockets'> = {
  id: 'sockets',
  live: true,
  async gather() {
    const sockets: ListeningSocket[] = []
    for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
      const text = await readFile(`/proc/net/${protocol}`, 'utf8').catch(() => '')
      sockets.push(...parseProcNet(text, protocol))
    }
    const owners = await ownersByInode(new Set(sockets.map((s) => s.inode)))
    for (const socket of sockets) {
      const owner = owners.get(socket.inode)
      if (owner) Object.assign(socket, {pid: owner.pid, process: owner.comm})
    }
    return sockets
  },
}
