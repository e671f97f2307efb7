import {readTextInRoot} from '../core/root-path.js'

export interface UserEntry {
  name: string
  uid: number
  gid: number
  home: string
  shell: string
}

/** Parses /etc/passwd; malformed lines and comments are skipped. */
export function parsePasswd(text: string): UserEntry[] {
  const users: UserEntry[] = []
  for (const line of text.split('\n')) {
    const f = line.split(':')
    if (f.length < 7 || line.startsWith('#')) continue
    users.push({name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6]})
  }
  return users
}

/** Home directories where people keep models: root's and every login user's (for `~/` paths). */
export function loginHomes(users: UserEntry[]): string[] {
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
  return [...homes].sort()
}

/** The accounts of an inspected system: uid → name, and the login homes. */
export async function readAccounts(root: string): Promise<{names: Map<number, string>; homes: string[]}> {
  const users = parsePasswd((await readTextInRoot(root, '/etc/passwd')) ?? '')
  return {names: new Map(users.map((u) => [u.uid, u.name])), homes: loginHomes(users)}
}

/** The KEY=value fields of os-release(5), quotes removed. */
export function parseOsRelease(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (match) fields.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2'))
  }
  return fields
}

/** /etc/os-release of an inspected system, falling back to /usr/lib/os-release. */
export async function readOsRelease(root: string): Promise<Map<string, string>> {
  const text = (await readTextInRoot(root, '/etc/os-release')) ?? (await readTextInRoot(root, '/usr/lib/os-release'))
  return parseOsRelease(text ?? '')
}
