import {posix} from 'node:path'

import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import {systemShellFiles} from '../check-helpers.js'
import {formatMode, RootReader, type TextFile} from '../facts/index.js'

/** login(1)'s PATH for root when login.defs sets no ENV_SUPATH (Debian's shadow build). */
const DEFAULT_SUPATH = '/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin'
/** Root's own start-up files (bash(1) INVOCATION; Debian's /root/.profile sources .bashrc). */
const ROOT_FILES = ['.bash_profile', '.bash_login', '.profile', '.bashrc']

/** One PATH value and where it was set. */
export interface PathSetting {
  value: string
  where: string
  /** bash's `PATH+=value`: the value is glued onto the PATH set before. */
  appended?: true
}

/**
 * PATH assignments line by line: `PATH=…`, `PATH+=…`, `export PATH=…`, `ENV_SUPATH PATH=…` (login.defs; its ENV_PATH is
 * other users'). One pair of quotes is removed; the value ends at the first unquoted blank or `;`.
 * Assignments inside conditions count as if they always ran.
 */
export function pathSettings(file: TextFile): PathSetting[] {
  const out: PathSetting[] = []
  file.text.split('\n').forEach((line, i) => {
    if (/^\s*(#|ENV_PATH\b)/.test(line)) return
    for (const m of line.matchAll(
      /(?:^|[\s;&|({])(?:export\s+|ENV_SUPATH\s+)?PATH(\+?)=("[^"]*"|'[^']*'|[^\s;'"]*)/g,
    )) {
      const value = m[2].replace(/^(["'])(.*)\1$/, '$2')
      out.push({value, where: `${file.path}:${i + 1}`, ...(m[1] && {appended: true as const})})
    }
  })
  return out
}

/**
 * What an entry of a PATH value is: a directory to judge, a reference to the PATH set before (judged where
 * it was set), or a problem. `$HOME` and `~` are root's home.
 */
export function classifyEntry(entry: string, home: string): {dir: string} | {inherited: true} | {problem: string} {
  if (entry === '$PATH' || entry === '${PATH}') return {inherited: true}
  if (entry === '') return {problem: 'an empty entry (the current directory)'}
  const expanded = entry.replace(/^~(?=\/|$)/, home).replace(/\$\{?HOME\}?(?![A-Za-z0-9_])/g, home)
  if (/[$`]/.test(expanded)) return {problem: `${entry} depends on a variable or command llmsec cannot resolve`}
  if (!expanded.startsWith('/')) return {problem: `${entry} is relative (resolved against the current directory)`}
  return {dir: posix.normalize(expanded)}
}

export const check = defineCheck<NoParams>()({
  id: 'root-path',
  title: "root's PATH holds only root-owned directories others cannot write",
  description:
    "Every PATH that login.defs (ENV_SUPATH), /etc/environment, /etc/profile, /etc/bash.bashrc, /etc/profile.d/*.sh and root's own start-up files set: no empty, `.` or relative entry, and each directory (or, where it does not exist, its nearest existing parent) is owned by root and not group- or world-writable.",
  limits:
    'Assignments are read as text: those inside conditions count as if they always ran, PATH set by other means (sudo secure_path, a systemd unit, pam_env.conf) is not read, and parent directories of an existing entry are not judged.',
  params: NO_PARAMS,
  async run({root, facts}) {
    const reader = new RootReader(root)
    const {users, unreadable} = await facts.get('users')
    reader.note(...unreadable)
    const home = users.find((u) => u.uid === 0 && u.name === 'root')?.home || '/root'
    const files = [
      ...(await reader.texts(['/etc/login.defs', '/etc/environment'])),
      ...(await systemShellFiles(reader)),
      ...(await reader.texts(ROOT_FILES.map((name) => posix.join(home, name)))),
    ]
    const settings = files.flatMap(pathSettings)
    if (!settings.some((s) => s.where.startsWith('/etc/login.defs:')))
      settings.unshift({value: DEFAULT_SUPATH, where: "/etc/login.defs (no ENV_SUPATH: login's default)"})
    const bad: string[] = []
    const ok: string[] = []
    const judged = new Map<string, string | null>()
    for (const {value, where, appended} of settings)
      for (const entry of (appended ? `$PATH${value}` : value).split(':')) {
        const kind = classifyEntry(entry, home)
        if ('inherited' in kind) continue
        if ('problem' in kind) {
          bad.push(`${where}: ${kind.problem}`)
          continue
        }
        if (!judged.has(kind.dir)) judged.set(kind.dir, await judgeDir(reader, kind.dir))
        const problem = judged.get(kind.dir)
        if (problem) bad.push(`${where}: ${problem}`)
        else ok.push(`${where}: ${kind.dir}`)
      }
    const verdict = bad.length
      ? outcome.fail([...bad, ...ok], bad[0].split(':')[0])
      : outcome.pass(ok, settings.at(-1)?.where.replace(/:\d+$/, ''))
    return guardUnreadable(verdict, reader.unreadable, true)
  },
})

/** Why a PATH directory lets someone other than root place commands in it, or null. */
async function judgeDir(reader: RootReader, dir: string): Promise<string | null> {
  let path = dir
  let info = await reader.stat(path)
  while (!info && path !== '/') {
    path = posix.dirname(path)
    info = await reader.stat(path)
  }
  if (!info) return null
  const what = path === dir ? dir : `${dir} does not exist; its parent ${path}`
  if (!info.isDirectory()) return `${what} is not a directory`
  const faults: string[] = []
  if (info.uid !== 0) faults.push(`owned by uid ${info.uid}`)
  if (info.mode & 0o022) faults.push(`mode ${formatMode(info.mode)} (group- or world-writable)`)
  return faults.length ? `${what} is ${faults.join(' and ')}` : null
}
