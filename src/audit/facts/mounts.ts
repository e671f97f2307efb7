import {posix} from 'node:path'

import {runTool} from '../../core/exec.js'
import {parseLsblk} from '../../hardware/index.js'
import {configLines, type RootReader} from './rootfs.js'

/** A filesystem mounted at `file` from `spec` (fstab(5) fields 1–3, /proc/mounts alike). */
export interface MountEntry {
  spec: string
  file: string
  type: string
  /** Field 4: the mount options (`defaults` when the field is absent). */
  options: string[]
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
    const [spec, file, type, options] = line.split(/\s+/).map(unescape)
    if (!spec || !file?.startsWith('/')) return []
    return [{spec, file: posix.normalize(file), type: type ?? '', options: (options ?? 'defaults').split(',')}]
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

/** A mount point as the audited system has it: its options and where they were read. */
export interface MountPoint {
  path: string
  options: string[]
  /** `/etc/fstab`, `/proc/self/mountinfo`, a mount unit, or systemd's built-in mount. */
  source: string
}

/**
 * proc(5) mountinfo: field 5 is the mount point, field 6 the per-mount options (nodev, nosuid and
 * noexec are per-mount flags); after the ` - ` separator come type, source and superblock options.
 * The last line for a mount point is the mount on top.
 */
export function parseMountinfo(text: string): Map<string, string[]> {
  const mounts = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const fields = line.split(' ')
    if (fields.length < 6 || !fields.includes('-')) continue
    mounts.set(posix.normalize(unescape(fields[4])), fields[5].split(','))
  }
  return mounts
}

/** proc(5) mountinfo: each mount point and the type of the filesystem on top of it (the first field after ` - `). */
export function parseMountTypes(text: string): Map<string, string> {
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    const fields = line.split(' ')
    const dash = fields.indexOf('-', 6)
    if (fields.length < 6 || dash < 0 || dash + 1 >= fields.length) continue
    types.set(posix.normalize(unescape(fields[4])), fields[dash + 1])
  }
  return types
}

/** systemd mounts /dev/shm itself at boot (mount-setup.c) with these flags when nothing else does. */
const SYSTEMD_BUILTIN: Record<string, string[]> = {'/dev/shm': ['nosuid', 'nodev', 'strictatime', 'mode=1777']}

/** `/var/tmp` → `var-tmp.mount` (systemd.mount(5): the unit is named after the escaped path). */
const mountUnitName = (path: string) => `${path.slice(1).replaceAll('-', '\\x2d').replaceAll('/', '-')}.mount`

/** An enabled mount unit for the path (tmp.mount), with its Options=. */
async function mountUnit(reader: RootReader, path: string): Promise<MountPoint | null> {
  const name = mountUnitName(path)
  const wants = await reader.lstat(`/etc/systemd/system/local-fs.target.wants/${name}`)
  if (!wants) return null
  for (const dir of ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system', '/usr/share/systemd']) {
    const text = await reader.text(`${dir}/${name}`)
    if (text === null) continue
    const options = /^\s*Options\s*=\s*(.*)$/m.exec(text)?.[1].trim() ?? 'defaults'
    return {path, options: options.split(','), source: `${dir}/${name}`}
  }
  return null
}

/**
 * How a path is mounted: live, from /proc/self/mountinfo; offline, from /etc/fstab, then an enabled
 * mount unit, then systemd's built-in /dev/shm mount (when systemd is installed). Null: the path is
 * no mount point of its own (it lives on its parent's filesystem).
 */
export async function mountPoint(reader: RootReader, path: string, live: boolean): Promise<MountPoint | null> {
  if (live) {
    const options = parseMountinfo((await reader.text('/proc/self/mountinfo')) ?? '').get(path)
    return options ? {path, options, source: '/proc/self/mountinfo'} : null
  }
  const entry = parseMounts((await reader.text('/etc/fstab')) ?? '').findLast((m) => m.file === path)
  if (entry) return {path, options: entry.options, source: '/etc/fstab'}
  const unit = await mountUnit(reader, path)
  if (unit) return unit
  const systemd = (await reader.stat('/usr/lib/systemd/systemd')) ?? (await reader.stat('/lib/systemd/systemd'))
  const builtin = SYSTEMD_BUILTIN[path]
  return systemd && builtin ? {path, options: builtin, source: 'systemd (built-in mount)'} : null
}
