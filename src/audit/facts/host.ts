import {defaultModelDirectories, findModelFiles, loginHomes, parsePasswd, readOsRelease} from '../../hardware/index.js'
import type {FactProvider} from './cache.js'
import type {GroupEntry, PackageEntry} from './fact-map.js'
import {readTextIn} from './rootfs.js'

/** /etc/os-release (falling back to /usr/lib/os-release). */
export const osProvider: FactProvider<'os'> = {
  id: 'os',
  async gather(env) {
    const fields = await readOsRelease(env.root)
    return {
      id: fields.get('ID') ?? null,
      idLike: (fields.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
      versionId: fields.get('VERSION_ID') ?? null,
      prettyName: fields.get('PRETTY_NAME') ?? null,
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
    const users = parsePasswd((await readTextIn(env.root, '/etc/passwd')) ?? '')
    const groups = parseGroup((await readTextIn(env.root, '/etc/group')) ?? '')
    return {users, groups, homes: loginHomes(users)}
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
    const text = await readTextIn(env.root, '/var/lib/dpkg/status', 64 * 1024 * 1024)
    if (text === null) return {source: null, packages: new Map()}
    return {source: 'dpkg', packages: parseDpkgStatus(text)}
  },
}

/**
 * Model files found by content under the default model directories and the configured ones
 * (the hardware engine's finder, the same one `llmsec inventory` uses), inside the root.
 */
export const modelsProvider: FactProvider<'models'> = {
  id: 'models',
  async gather(env, facts) {
    const {users, homes} = await facts.get('users')
    return findModelFiles({
      root: env.root,
      directories: [...defaultModelDirectories(), ...env.modelPaths],
      homes,
      users: new Map(users.map((u) => [u.uid, u.name])),
    })
  },
}
