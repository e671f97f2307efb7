import {defaultModelDirectories, findModelFiles, loginHomes, parseOsRelease, parsePasswd} from '../../hardware/index.js'
import type {FactProvider} from './cache.js'
import type {GroupEntry, PackageEntry} from './fact-map.js'
import {RootReader} from './rootfs.js'

/** /etc/os-release (falling back to /usr/lib/os-release). */
export const osProvider: FactProvider<'os'> = {
  id: 'os',
  async gather(env) {
    const reader = new RootReader(env.root)
    const text = (await reader.text('/etc/os-release')) ?? (await reader.text('/usr/lib/os-release'))
    const fields = parseOsRelease(text ?? '')
    return {
      id: fields.get('ID') ?? null,
      idLike: (fields.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
      versionId: fields.get('VERSION_ID') ?? null,
      prettyName: fields.get('PRETTY_NAME') ?? null,
      unreadable: reader.unreadable,
    }
  },
}

export function parseGroup(text: string): GroupEntry[] {
  const groups: GroupEntry[] = []
  for (const line of text.split('\n')) {
    const f = line.split(':')
    if (f.length < 4 || line.startsWith('#')) continue
    groups.push({name: f[0], gid: Number(f[2]), members: f[3].split(',').filter(Boolean)})
  }
  return groups
}

/** Local accounts and groups from /etc/passwd and /etc/group. */
export const usersProvider: FactProvider<'users'> = {
  id: 'users',
  async gather(env) {
    const reader = new RootReader(env.root)
    const users = parsePasswd((await reader.text('/etc/passwd')) ?? '')
    const groups = parseGroup((await reader.text('/etc/group')) ?? '')
    // Directories under /home count whether or not /etc/passwd lists them (a deleted account's
    // home still holds its tokens; a root without passwd still has homes).
    const present: string[] = []
    for (const name of await reader.list('/home'))
      if ((await reader.lstat(`/home/${name}`))?.isDirectory()) present.push(`/home/${name}`)
    const homes = [...new Set([...loginHomes(users), ...present])].sort()
    return {users, groups, homes, unreadable: reader.unreadable}
  },
}

/** /etc/shadow's account and password fields (nothing else is kept) and UID_MIN of login.defs. */
export const shadowProvider: FactProvider<'shadow'> = {
  id: 'shadow',
  async gather(env) {
    const reader = new RootReader(env.root)
    const text = await reader.text('/etc/shadow')
    const entries = (text ?? '')
      .split('\n')
      .map((line) => line.split(':'))
      .filter((f) => f.length >= 2 && f[0] !== '' && !f[0].startsWith('#'))
      .map((f) => ({name: f[0], password: f[1]}))
    const uidMin = /^\s*UID_MIN\s+(\d+)\s*$/m.exec((await reader.text('/etc/login.defs')) ?? '')?.[1]
    return {present: text !== null, entries, uidMin: uidMin ? Number(uidMin) : 1000, unreadable: reader.unreadable}
  },
}

/** Installed packages from dpkg's status file (the one database read without running a tool). */
export function parseDpkgStatus(text: string): Map<string, PackageEntry> {
  const packages = new Map<string, PackageEntry>()
  for (const stanza of text.split(/\n\s*\n/)) {
    const name = /^Package:\s*(\S+)/m.exec(stanza)?.[1]
    const status = /^Status:\s*(.+)$/m.exec(stanza)?.[1] ?? ''
    const version = /^Version:\s*(\S+)/m.exec(stanza)?.[1] ?? ''
    if (name && /\binstalled$/.test(status.trim())) packages.set(name, {name, version})
  }
  return packages
}

export const packagesProvider: FactProvider<'packages'> = {
  id: 'packages',
  async gather(env) {
    const reader = new RootReader(env.root)
    const text = await reader.text('/var/lib/dpkg/status', 64 * 1024 * 1024)
    const {unreadable} = reader
    if (text === null) return {source: null, packages: new Map(), unreadable}
    return {source: 'dpkg', packages: parseDpkgStatus(text), unreadable}
  },
}

/**
 * Model files found by content under the default model directories and the configured ones:
 * the hardware engine's finder, the one `llmsec inventory` and `llmsec init` use, inside the root.
 * What it could not read (and an unread /etc/passwd, which hides home directories) makes it incomplete.
 */
export const modelsProvider: FactProvider<'models'> = {
  id: 'models',
  async gather(env, facts) {
    const {users, homes, unreadable} = await facts.get('users')
    const section = await findModelFiles({
      root: env.root,
      directories: [...defaultModelDirectories(), ...env.modelPaths],
      homes,
      users: new Map(users.map((u) => [u.uid, u.name])),
    })
    return {...section, unreadable: [...unreadable, ...section.unreadable]}
  },
}
