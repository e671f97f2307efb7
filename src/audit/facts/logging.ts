import type {FactProvider} from './cache.js'
import {configLines, RootReader, type TextFile} from './rootfs.js'
import {readSshdConfig} from './sshd-config.js'
import {append} from '../../core/arrays.js'

/**
 * sshd_config as sshd reads it (sshd_config(5)): Include expanded in place, every Match block kept
 * with its criteria; `options` is the global section's first value of each keyword.
 */
export const sshdProvider: FactProvider<'sshd'> = {
  id: 'sshd',
  async gather(env) {
    const path = '/etc/ssh/sshd_config'
    const reader = new RootReader(env.root)
    if ((await reader.stat(path)) === null)
      return {path: null, directives: [], options: new Map(), unreadable: reader.unreadable}
    const directives = await readSshdConfig(reader, path)
    const options = new Map<string, string>()
    for (const d of directives) if (d.match === null && !options.has(d.key)) options.set(d.key, d.value)
    return {path, directives, options, unreadable: reader.unreadable}
  },
}

/** Control lines of auditctl(8) that are no rules: delete all, buffers, failure mode, rate, backlog, enable. */
const AUDIT_CONTROL = /^-(D|b|f|r|e|c|i|-backlog_wait_time|-loginuid-immutable|-reset-lost)(\s|$)/

/** The path a rule watches: `-w PATH` or `-F dir=PATH` / `-F path=PATH` (auditctl(8)). */
function watchedPath(rule: string): string | null {
  const path = /^-w\s+(\S+)/.exec(rule)?.[1] ?? /\s-F\s+(?:dir|path)=(\S+)/.exec(rule)?.[1]
  return path ? path.replace(/(.)\/+$/, '$1') : null
}

/**
 * auditd rules as augenrules loads them: rules.d/*.rules in name order, then the generated
 * audit.rules (the same rules twice count once); the last `-e` decides whether auditing is on (1),
 * off (0) or locked until reboot (2).
 */
export const auditdProvider: FactProvider<'auditd'> = {
  id: 'auditd',
  async gather(env) {
    const reader = new RootReader(env.root)
    const files = await reader.dropIns('/etc/audit/rules.d', '.rules')
    const main = await reader.text('/etc/audit/audit.rules')
    if (main !== null) files.push({path: '/etc/audit/audit.rules', text: main})
    const lines = files.flatMap((f) => configLines(f.text, /^\s*#/).map((l) => l.split(/\s+/).join(' ')))
    const enabled =
      lines
        .filter((l) => /^-e\s/.test(l))
        .at(-1)
        ?.split(' ')[1] ?? null
    const all = lines.filter((l) => /^-[aAw]\s/.test(l) && !AUDIT_CONTROL.test(l))
    const rules = [...new Set(all)]
    const watches = [...new Set(rules.flatMap((l) => watchedPath(l) ?? []))]
    return {
      rulesFiles: files.map((f) => f.path),
      rules,
      ruleCount: rules.length,
      duplicates: all.length - rules.length,
      watches,
      enabled,
      unreadable: reader.unreadable,
    }
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
    append(
      files,
      await reader.layeredDropIns(
        ['/usr/lib/systemd', '/run/systemd', '/etc/systemd'].map((d) => `${d}/journald.conf.d`),
      ),
    )
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
