import {posix} from 'node:path'

import {globToRegExp} from '../../core/glob.js'
import type {FactProvider} from './cache.js'
import {configLines, listDirIn, readDropIns, readTextIn, statIn} from './rootfs.js'

/** sshd_config with Include expansion; the first value of an option wins, as in sshd. */
export async function parseSshdConfig(root: string, path: string, options: Map<string, string>, depth = 0) {
  const text = await readTextIn(root, path)
  if (text === null || depth > 4) return
  for (const line of configLines(text)) {
    const [rawKey, ...rest] = line.split(/\s+|=/).filter(Boolean)
    const key = rawKey.toLowerCase()
    if (key === 'match') break
    if (key === 'include') {
      for (const pattern of rest) await includeSshd(root, pattern, options, depth)
      continue
    }
    if (!options.has(key)) options.set(key, rest.join(' '))
  }
}

async function includeSshd(root: string, pattern: string, options: Map<string, string>, depth: number) {
  const full = pattern.startsWith('/') ? pattern : posix.join('/etc/ssh', pattern)
  if (!/[*?[]/.test(full)) return parseSshdConfig(root, full, options, depth + 1)
  const dir = posix.dirname(full)
  const glob = globToRegExp(posix.basename(full))
  for (const name of await listDirIn(root, dir))
    if (glob.test(name)) await parseSshdConfig(root, posix.join(dir, name), options, depth + 1)
}

export const sshdProvider: FactProvider<'sshd'> = {
  id: 'sshd',
  async gather(env) {
    const path = '/etc/ssh/sshd_config'
    const options = new Map<string, string>()
    if ((await statIn(env.root, path)) === null) return {path: null, options}
    await parseSshdConfig(env.root, path, options)
    return {path, options}
  },
}

/** auditd rules files (rules.d and the generated audit.rules). */
export const auditdProvider: FactProvider<'auditd'> = {
  id: 'auditd',
  async gather(env) {
    const files = await readDropIns(env.root, '/etc/audit/rules.d', '.rules')
    const main = await readTextIn(env.root, '/etc/audit/audit.rules')
    if (main !== null) files.push({path: '/etc/audit/audit.rules', text: main})
    const rules = files.flatMap((f) => configLines(f.text).filter((l) => /^-[aAwe]\s/.test(l)))
    const watches = rules.flatMap((l) => /^-w\s+(\S+)/.exec(l)?.[1] ?? [])
    return {rulesFiles: files.map((f) => f.path), ruleCount: rules.filter((l) => !l.startsWith('-e')).length, watches}
  },
}

/** journald.conf with drop-ins (later files win, as in systemd). */
export const journaldProvider: FactProvider<'journald'> = {
  id: 'journald',
  async gather(env) {
    const files: {path: string; text: string}[] = []
    const main = await readTextIn(env.root, '/etc/systemd/journald.conf')
    if (main !== null) files.push({path: '/etc/systemd/journald.conf', text: main})
    for (const dir of ['/usr/lib/systemd/journald.conf.d', '/etc/systemd/journald.conf.d'])
      files.push(...(await readDropIns(env.root, dir)))
    const values = new Map<string, string>()
    for (const file of files) {
      for (const line of configLines(file.text)) {
        const match = /^(\w+)\s*=\s*(.*)$/.exec(line)
        if (match) values.set(match[1], match[2])
      }
    }
    return {
      storage: values.get('Storage') ?? 'auto',
      persistentDirExists: (await statIn(env.root, '/var/log/journal'))?.isDirectory() === true,
      maxRetentionSec: values.get('MaxRetentionSec') ?? null,
      files: files.map((f) => f.path),
    }
  },
}
