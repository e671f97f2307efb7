import {posix} from 'node:path'

import {globToRegExp} from '../../core/glob.js'
import type {FactProvider} from './cache.js'
import {configLines, RootReader, type TextFile} from './rootfs.js'
import {append} from '../../core/arrays.js'

/** sshd_config with Include expansion; the first value of an option wins, as in sshd. */
async function parseSshdConfig(reader: RootReader, path: string, options: Map<string, string>, depth = 0) {
  const text = await reader.text(path)
  if (text === null || depth > 4) return
  for (const line of configLines(text)) {
    const [rawKey, ...rest] = line.split(/\s+|=/).filter(Boolean)
    const key = rawKey.toLowerCase()
    if (key === 'match') break
    if (key === 'include') {
      for (const pattern of rest) await includeSshd(reader, pattern, options, depth)
      continue
    }
    if (!options.has(key)) options.set(key, rest.join(' '))
  }
}

async function includeSshd(reader: RootReader, pattern: string, options: Map<string, string>, depth: number) {
  const full = pattern.startsWith('/') ? pattern : posix.join('/etc/ssh', pattern)
  if (!/[*?[]/.test(full)) return parseSshdConfig(reader, full, options, depth + 1)
  const dir = posix.dirname(full)
  const glob = globToRegExp(posix.basename(full))
  for (const name of await reader.list(dir))
    if (glob.test(name)) await parseSshdConfig(reader, posix.join(dir, name), options, depth + 1)
}

export const sshdProvider: FactProvider<'sshd'> = {
  id: 'sshd',
  async gather(env) {
    const path = '/etc/ssh/sshd_config'
    const reader = new RootReader(env.root)
    const options = new Map<string, string>()
    if ((await reader.stat(path)) === null) return {path: null, options, unreadable: reader.unreadable}
    await parseSshdConfig(reader, path, options)
    return {path, options, unreadable: reader.unreadable}
  },
}

/** auditd rules files (rules.d and the generated audit.rules). */
export const auditdProvider: FactProvider<'auditd'> = {
  id: 'auditd',
  async gather(env) {
    const reader = new RootReader(env.root)
    const files = await reader.dropIns('/etc/audit/rules.d', '.rules')
    const main = await reader.text('/etc/audit/audit.rules')
    if (main !== null) files.push({path: '/etc/audit/audit.rules', text: main})
    const rules = files.flatMap((f) => configLines(f.text).filter((l) => /^-[aAwe]\s/.test(l)))
    const watches = rules.flatMap((l) => /^-w\s+(\S+)/.exec(l)?.[1] ?? [])
    const ruleCount = rules.filter((l) => !l.startsWith('-e')).length
    return {rulesFiles: files.map((f) => f.path), ruleCount, watches, unreadable: reader.unreadable}
  },
}

/** journald.conf with drop-ins (later files win, as in systemd). */
export const journaldProvider: FactProvider<'journald'> = {
  id: 'journald',
  async gather(env) {
    const reader = new RootReader(env.root)
    const files: TextFile[] = []
    const main = await reader.text('/etc/systemd/journald.conf')
    if (main !== null) files.push({path: '/etc/systemd/journald.conf', text: main})
    for (const dir of ['/usr/lib/systemd/journald.conf.d', '/etc/systemd/journald.conf.d'])
      append(files, await reader.dropIns(dir))
    const values = new Map<string, string>()
    for (const file of files) {
      for (const line of configLines(file.text)) {
        const match = /^(\w+)\s*=\s*(.*)$/.exec(line)
        if (match) values.set(match[1], match[2])
      }
    }
    return {
      storage: values.get('Storage') ?? 'auto',
      persistentDirExists: (await reader.stat('/var/log/journal'))?.isDirectory() === true,
      maxRetentionSec: values.get('MaxRetentionSec') ?? null,
      files: files.map((f) => f.path),
      unreadable: reader.unreadable,
    }
  },
}
