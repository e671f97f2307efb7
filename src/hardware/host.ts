import {access, readFile} from 'node:fs/promises'

import {describeError} from '../core/errors.js'
import {runTool} from '../core/exec.js'
import {describeRoot} from '../core/root-fs.js'
import {readTextInRoot} from '../core/root-path.js'
import {readOsRelease} from './system-files.js'

export interface BlockDevice {
  name: string
  type: string
  fsType: string | null
  sizeBytes: number | null
  mountpoint: string | null
  /** True when the device is dm-crypt/LUKS or sits on one. */
  encrypted: boolean
}

export interface SwapArea {
  path: string
  type: string
  sizeBytes: number
  /** True on dm-crypt, false on a plain device, null when unknown (e.g. zram lives in memory). */
  encrypted: boolean | null
  note?: string
}

export interface HostInfo {
  hostname: string | null
  os: {
    distro: string | null
    release: string | null
    codename: string | null
    kernel: string | null
    arch: string | null
  }
  cpu: {brand: string | null; cores: number | null; physicalCores: number | null}
  memoryTotalBytes: number | null
  virtualization: {virtual: boolean | null; host: string | null; container: string | null}
  blockDevices: BlockDevice[] | null
  swap: SwapArea[] | null
  secureBoot: boolean | null
  /** Facts that could not be read, each with the reason. */
  unavailable: {fact: string; reason: string}[]
}

interface LsblkNode {
  name?: string
  kname?: string
  type?: string
  fstype?: string | null
  size?: number | string | null
  mountpoint?: string | null
  children?: LsblkNode[]
}

/** Flattens lsblk's JSON tree, marking every device that is or sits on a dm-crypt mapping. */
export function parseLsblk(text: string): (BlockDevice & {kname: string})[] {
  const doc = JSON.parse(text) as {blockdevices?: LsblkNode[]}
  const out: (BlockDevice & {kname: string})[] = []
  const walk = (nodes: LsblkNode[], encryptedAbove: boolean, depth: number) => {
    if (depth > 16) return
    for (const node of nodes) {
      const encrypted = encryptedAbove || node.type === 'crypt'
      out.push({
        name: node.name ?? '',
        kname: node.kname ?? node.name ?? '',
        type: node.type ?? 'unknown',
        fsType: node.fstype ?? null,
        sizeBytes: node.size === null || node.size === undefined ? null : Number(node.size),
        mountpoint: node.mountpoint ?? null,
        encrypted,
      })
      walk(node.children ?? [], encrypted, depth + 1)
    }
  }
  walk(doc.blockdevices ?? [], false, 0)
  return out
}

/** Parses /proc/swaps and judges each area against the block devices. */
export function parseSwaps(text: string, devices: (BlockDevice & {kname: string})[] | null): SwapArea[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 3 && fields[0])
    .map(([path, type, size]) => {
      const area: SwapArea = {path, type, sizeBytes: Number(size) * 1024, encrypted: null}
      if (/\/zram\d+$/.test(path)) return {...area, note: 'zram: compressed swap in memory, never written to disk'}
      if (!devices) return {...area, note: 'block devices unknown'}
      if (type === 'partition') {
        const kname = path.replace(/^\/dev\//, '')
        const device = devices.find((d) => d.kname === kname || `/dev/mapper/${d.name}` === path || d.name === kname)
        return device ? {...area, encrypted: device.encrypted} : {...area, note: 'device not found in lsblk'}
      }
      // A swap file is as encrypted as the filesystem that holds it (longest mount prefix).
      const holder = devices
        .filter(
          (d) =>
            d.mountpoint &&
            (path === d.mountpoint || path.startsWith(d.mountpoint.endsWith('/') ? d.mountpoint : `${d.mountpoint}/`)),
        )
        .sort((a, b) => (b.mountpoint?.length ?? 0) - (a.mountpoint?.length ?? 0))[0]
      return holder ? {...area, encrypted: holder.encrypted} : {...area, note: 'filesystem of the swap file not found'}
    })
}

/** Detects a container runtime from the usual markers (works without root). */
async function detectContainer(): Promise<string | null> {
  if (
    await access('/.dockerenv').then(
      () => true,
      () => false,
    )
  )
    return 'docker'
  if (
    await access('/run/.containerenv').then(
      () => true,
      () => false,
    )
  )
    return 'podman'
  const environ = await readFile('/proc/1/environ', 'latin1').catch(() => '')
  const match = /(?:^|\0)container=([^\0]+)/.exec(environ)
  if (match) return match[1]
  const cgroup = await readFile('/proc/1/cgroup', 'utf8').catch(() => '')
  if (/kubepods/.test(cgroup)) return 'kubernetes'
  if (/docker|containerd/.test(cgroup)) return 'docker'
  if (/lxc/.test(cgroup)) return 'lxc'
  return null
}

/** Secure Boot state from the EFI variable (byte 5 is the value), when readable. */
async function readSecureBoot(): Promise<boolean | null> {
  const data = await readFile('/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c').catch(
    () => null,
  )
  if (!data || data.length < 5) return null
  return data[4] === 1
}

async function settle<T>(
  fact: string,
  unavailable: HostInfo['unavailable'],
  work: () => Promise<T>,
): Promise<T | null> {
  try {
    return await work()
  } catch (error) {
    unavailable.push({fact, reason: describeError(error)})
    return null
  }
}

/** Collects host facts concurrently; a fact that cannot be read is listed in `unavailable`. */
export async function collectHost(): Promise<HostInfo> {
  const unavailable: HostInfo['unavailable'] = []
  const lsblk = async () => {
    const result = await runTool('lsblk', ['-J', '-b', '-o', 'NAME,KNAME,TYPE,FSTYPE,SIZE,MOUNTPOINT'])
    if (result.status !== 'ok') throw new Error(result.reason)
    return parseLsblk(result.stdout)
  }
  // systeminformation (CommonJS, ~20 modules) is loaded by inventory's host section only.
  const {default: si} = await import('systeminformation')
  const [os, cpu, mem, system, devices, container, secureBoot, swapsText] = await Promise.all([
    settle('os', unavailable, () => si.osInfo()),
    settle('cpu', unavailable, () => si.cpu()),
    settle('memory', unavailable, () => si.mem()),
    settle('virtualization', unavailable, () => si.system()),
    settle('blockDevices', unavailable, lsblk),
    detectContainer(),
    readSecureBoot(),
    settle('swap', unavailable, () => readFile('/proc/swaps', 'utf8')),
  ])
  if (secureBoot === null)
    unavailable.push({
      fact: 'secureBoot',
      reason: 'EFI variable SecureBoot not readable (legacy BIOS, container, or no permission)',
    })
  return {
    hostname: os?.hostname || null,
    os: {
      distro: os?.distro || null,
      release: os?.release || null,
      codename: os?.codename || null,
      kernel: os?.kernel || null,
      arch: os?.arch || null,
    },
    cpu: {
      brand: cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() : null,
      cores: cpu?.cores ?? null,
      physicalCores: cpu?.physicalCores ?? null,
    },
    memoryTotalBytes: mem?.total ?? null,
    virtualization: {virtual: system?.virtual ?? null, host: system?.virtualHost || null, container},
    blockDevices: devices ? devices.map(({kname: _kname, ...device}) => device) : null,
    swap: swapsText === null ? null : parseSwaps(swapsText, devices),
    secureBoot,
    unavailable,
  }
}

/** Host facts that exist only on a running machine, reported as skipped for an image. */
const LIVE_ONLY_HOST_FACTS = ['kernel', 'arch', 'cpu', 'memory', 'virtualization', 'blockDevices', 'swap', 'secureBoot']

/**
 * Host facts of a mounted root filesystem, read from its files (/etc/hostname, /etc/os-release);
 * what only a running machine can tell (CPU, memory, devices, Secure Boot, …) is listed as unavailable.
 */
export async function collectHostFromRoot(root: string): Promise<HostInfo> {
  const [hostname, release] = await Promise.all([readTextInRoot(root, '/etc/hostname'), readOsRelease(root)])
  const reason = `live host only: not read from the image under ${describeRoot(root)}`
  return {
    hostname: hostname?.split('\n')[0].trim() || null,
    os: {
      distro: release.get('NAME') ?? null,
      release: release.get('VERSION_ID') ?? null,
      codename: release.get('VERSION_CODENAME') ?? null,
      kernel: null,
      arch: null,
    },
    cpu: {brand: null, cores: null, physicalCores: null},
    memoryTotalBytes: null,
    virtualization: {virtual: null, host: null, container: null},
    blockDevices: null,
    swap: null,
    secureBoot: null,
    unavailable: LIVE_ONLY_HOST_FACTS.map((fact) => ({fact, reason})),
  }
}
