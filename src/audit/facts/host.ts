import type {FactProvider} from './cache.js'
import type {GroupEntry, PackageEntry, UserEntry} from './fact-map.js'
import {RootReader} from './rootfs.js'

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, '$2')
}

/** /etc/os-release (falling back to /usr/lib/os-release). */
export const osProvider: FactProvider<'os'> = {
  id: 'os',
  async gather(env) {
    const reader = new RootReader(env.root)
    const text = (await reader.text('/etc/os-release')) ?? (await reader.text('/usr/lib/os-release'))
    const fields = new Map<string, string>()
    for (const line of (text ?? '').split('\n')) {
      const match = /^([A-Z_]+)=(.*)$/.exec(line.trim())
      if (match) fields.set(match[1], unquote(match[2]))
    }
    return {
      id: fields.get('ID') ?? null,
      idLike: (fields.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
      versionId: fields.get('VERSION_ID') ?? null,
      prettyName: fields.get('PRETTY_NAME') ?? null,
      unreadable: reader.unreadable,
    }
  },
}

export function parsePasswd(text: string): UserEntry[] {
  const users: UserEntry[] = []
  for (const line of text.split('\n')) {
    const f = line.split(':')
    if (f.length < 7 || line.startsWith('#')) continue
    users.push({name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6]})
  }
  return users
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
    const loginShell = (shell: string) => !/(nologin|false|sync|halt|shutdown)$/.test(shell)
    const homes = new Set<string>(['/root'])
    for (const user of users) {
      if (
        user.home &&
        user.home !== '/' &&
        (user.uid >= 1000 || loginShell(user.shell) || user.home.startsWith('/home/'))
      )
        homes.add(user.home)
    }
    return {users, groups, homes: [...homes].sort(), unreadable: reader.unreadable}
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
