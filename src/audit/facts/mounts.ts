import {posix} from 'node:path'

import {runTool} from '../../core/exec.js'
import {parseLsblk} from '../../hardware/index.js'
import {configLines, type RootReader} from './rootfs.js'

/** A filesystem mounted at `file` from `spec` (fstab(5) fields 1–3, /proc/mounts alike). */
export interface MountEntry {
  spec: string
  file: string
  type: string
}

/** A crypttab(5) line: mapping name, backing device, key file, options. */
export interface CryptEntry {
  name: string
  device: string
  key: string
  options: string[]
}

/** Where a path is stored and whether that storage is a dm-crypt device. */
export interface AtRest {
  path: string
  encrypted: boolean
  /** One line: mount point, device and how it resolved. */
  evidence: string
}

/** fstab and /proc/mounts escape blanks as octal (`\040`). */
const unescape = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))

export function parseMounts(text: string): MountEntry[] {
  return configLines(text, /^\s*#/).flatMap((line) => {
    const [spec, file, type] = line.split(/\s+/).map(unescape)
    return spec && file?.startsWith('/') ? [{spec, file: posix.normalize(file), type: type ?? ''}] : []
  })
}

export function parseCrypttab(text: string): CryptEntry[] {
  return configLines(text, /^\s*#/).flatMap((line) => {
    const [name, device, key, options] = line.split(/\s+/)
    return name && device
      ? [{name, device, key: key ?? 'none', options: (options ?? '').split(',').filter(Boolean)}]
      : []
  })
}

/**
 * A mapping keyed from /dev/urandom (or marked swap/tmp) gets a fresh key at every boot: it can
 * hold swap or scratch space only, nothing that must survive a reboot (crypttab(5)).
 */
export function isEphemeral(entry: CryptEntry): boolean {
  return /^\/dev\/u?random$/.test(entry.key) || entry.options.some((o) => o === 'swap' || o.startsWith('tmp'))
}

/** The mount holding a path: the longest mount point that contains it on a path boundary. */
export function mountFor(mounts: MountEntry[], path: string): MountEntry | null {
  const inside = (m: MountEntry) => m.file === '/' || path === m.file || path.startsWith(`${m.file}/`)
  return mounts.filter((m) => m.type !== 'swap' && inside(m)).sort((a, b) => b.file.length - a.file.length)[0] ?? null
}

/** `/dev/mapper/vg-lv` → volume group `vg` (device-mapper doubles dashes inside names). */
function volumeGroup(mapperName: string): string | null {
  const m = /^((?:[^-]|--)+)-(?:[^-]|--)+$/.exec(mapperName)
  return m ? m[1].replaceAll('--', '-') : null
}

/** The physical volumes of an LVM volume group, from its metadata backup (/etc/lvm/backup/<vg>). */
async function physicalVolumes(reader: RootReader, vg: string): Promise<string[]> {
  const text = (await reader.text(posix.join('/etc/lvm/backup', vg))) ?? ''
  return [...text.matchAll(/^\s*device\s*=\s*"([^"]+)"/gm)].map((m) => m[1])
}

/** The mount holding a path, following bind mounts (`/data/models /srv/models none bind`) to their source. */
function bindSource(mounts: MountEntry[], path: string): MountEntry | null {
  let at = path
  for (let hop = 0; hop < 8; hop++) {
    const mount = mountFor(mounts, at)
    if (!mount || !mount.spec.startsWith('/') || mount.spec.startsWith('/dev/')) return mount
    at = posix.join(mount.spec, posix.relative(mount.file, at))
  }
  return null
}

/** Whether a device spec is a persistent dm-crypt mapping of crypttab, directly or as an LVM volume on one. */
async function cryptMapping(reader: RootReader, spec: string, crypt: CryptEntry[]): Promise<string | null> {
  const name = /^\/dev\/mapper\/(.+)$/.exec(spec)?.[1]
  if (!name) return null
  const direct = crypt.find((c) => c.name === name)
  if (direct) return isEphemeral(direct) ? null : `crypttab ${direct.name} (${direct.device})`
  const vg = volumeGroup(name)
  if (!vg) return null
  for (const pv of await physicalVolumes(reader, vg)) {
    const on = await cryptMapping(reader, pv, crypt)
    if (on) return `LVM volume group ${vg} on ${on}`
  }
  return null
}

/**
 * Offline: a path is encrypted at rest when the fstab mount holding it comes from a crypttab
 * mapping that keeps its key across boots (or an LVM volume on one). A filesystem UUID= or LABEL=
 * cannot be tied to a mapping without the disks, so it does not count.
 */
export async function resolveOffline(reader: RootReader, paths: string[]): Promise<AtRest[]> {
  const mounts = parseMounts((await reader.text('/etc/fstab')) ?? '')
  const crypt = parseCrypttab((await reader.text('/etc/crypttab')) ?? '')
  const out: AtRest[] = []
  for (const path of paths) {
    const mount = bindSource(mounts, path)
    if (!mount) {
      out.push({path, encrypted: false, evidence: `${path}: no fstab entry mounts it (not on a dm-crypt device)`})
      continue
    }
    const via = await cryptMapping(reader, mount.spec, crypt)
    const on = `${path}: on ${mount.file} from ${mount.spec}`
    out.push({path, encrypted: via !== null, evidence: via ? `${on}, dm-crypt ${via}` : `${on}, not a dm-crypt device`})
  }
  return out
}

/** Live: /proc/mounts names the mount, lsblk whether its device is (or sits on) a dm-crypt mapping. */
export async function resolveLive(reader: RootReader, paths: string[]): Promise<AtRest[] | string> {
  const mounts = parseMounts((await reader.text('/proc/mounts')) ?? '')
  const lsblk = await runTool('lsblk', ['-J', '-b', '-o', 'NAME,KNAME,TYPE,FSTYPE,SIZE,MOUNTPOINT'])
  if (lsblk.status !== 'ok') return `lsblk: ${lsblk.reason}`
  const devices = parseLsblk(lsblk.stdout)
  return paths.map((path) => {
    const mount = mountFor(mounts, path)
    const device = mount && devices.find((d) => d.mountpoint === mount.file)
    if (!mount || !device) {
      const where = mount ? `on ${mount.file} (${mount.type} from ${mount.spec})` : 'not in /proc/mounts'
      return {path, encrypted: false, evidence: `${path}: ${where}, no block device`}
    }
    const on = `${path}: on ${mount.file} from /dev/${device.kname}`
    return {
      path,
      encrypted: device.encrypted,
      evidence: `${on}, ${device.encrypted ? 'dm-crypt' : 'not a dm-crypt device'}`,
    }
  })
}
