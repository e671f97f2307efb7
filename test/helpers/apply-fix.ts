import {chmod, chown, lstat, mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import type {FileEdit} from '../../src/audit/fix.types.js'

/**
 * Applies the file edits of `llmsec audit --json` (`rules[].fix.edits`) to a root, exactly as
 * docs/json/audit.md describes each operation; what a user's configuration tool would do.
 */
export async function applyEdits(root: string, edits: FileEdit[]): Promise<void> {
  for (const edit of edits) await applyEdit(root, edit)
}

function inRoot(root: string, path: string): string {
  if (!path.startsWith('/') || path.split('/').includes('..')) throw new Error(`edit path ${path} is not absolute`)
  return join(root, path)
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

async function applyEdit(root: string, edit: FileEdit): Promise<void> {
  const file = inRoot(root, edit.path)
  switch (edit.op) {
    case 'write':
      await mkdir(dirname(file), {recursive: true})
      await writeFile(file, edit.content)
      await chmod(file, parseInt(edit.mode ?? '0644', 8))
      return
    case 'append': {
      const text = await readOrNull(file)
      if (text?.split('\n').includes(edit.line)) return
      await mkdir(dirname(file), {recursive: true})
      const sep = text && !text.endsWith('\n') ? '\n' : ''
      await writeFile(file, `${text ?? ''}${sep}${edit.line}\n`)
      return
    }
    case 'set':
      return setKey(file, edit)
    case 'chmod':
      return walk(file, edit.recursive ?? false, async (p) => chmod(p, modeFor((await stat(p)).mode, edit.mode)))
    case 'chown': {
      const uid = await idOf(root, '/etc/passwd', edit.owner)
      const gid = edit.group ? await idOf(root, '/etc/group', edit.group) : -1
      return walk(file, edit.recursive ?? false, (p) => chown(p, uid, gid))
    }
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

async function setKey(file: string, edit: Extract<FileEdit, {op: 'set'}>): Promise<void> {
  const text = await readOrNull(file)
  // sshd: nothing to configure without the file.
  if (text === null && edit.syntax === 'sshd') return
  const lines = (text ?? '').split('\n')
  if (lines.at(-1) === '') lines.pop()
  const key = escape(edit.key)
  const pattern =
    edit.syntax === 'sshd'
      ? new RegExp(`^(\\s*)${key}(\\s*=\\s*|\\s+)`, 'i')
      : edit.syntax === 'space'
        ? new RegExp(`^(\\s*)${key}(\\s+)`)
        : new RegExp(`^(\\s*)(?:export\\s+)?${key}(\\s*=\\s*)`)
  const written = edit.syntax === 'equals' ? `${edit.key}=${edit.value}` : `${edit.key} ${edit.value}`
  let globalSet = false
  let inMatch = false
  for (const [i, line] of lines.entries()) {
    if (edit.syntax === 'sshd' && /^\s*match\s/i.test(line)) inMatch = true
    const m = pattern.exec(line)
    if (!m) continue
    lines[i] = `${m[1]}${written}`
    if (!inMatch) globalSet = true
  }
  if (!globalSet) {
    if (edit.syntax === 'sshd') lines.unshift(written)
    else if (!lines.some((l) => pattern.test(l))) lines.push(written)
  }
  await mkdir(dirname(file), {recursive: true})
  await writeFile(file, `${lines.join('\n')}\n`)
}

/** chmod(1) semantics for `0600` and `[ugoa]*[-+=][rwx]*`. */
function modeFor(current: number, mode: string): number {
  if (/^0?[0-7]{3,4}$/.test(mode)) return parseInt(mode, 8)
  const m = /^([ugoa]*)([-+=])([rwxt]*)$/.exec(mode)
  if (!m) throw new Error(`unsupported mode ${mode}`)
  const who = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1]
  // chmod(1): t is the restricted deletion (sticky) bit, one bit whoever is named.
  let bits = m[3].includes('t') ? 0o1000 : 0
  for (const w of who) {
    const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0
    for (const p of m[3].replace('t', '')) bits |= (p === 'r' ? 4 : p === 'w' ? 2 : 1) << shift
  }
  const perm = current & 0o7777
  if (m[2] === '+') return perm | bits
  if (m[2] === '-') return perm & ~bits
  const mask = [...who].reduce((acc, w) => acc | (0o7 << (w === 'u' ? 6 : w === 'g' ? 3 : 0)), 0)
  return (perm & ~mask) | bits
}

async function walk(path: string, recursive: boolean, apply: (p: string) => Promise<void>): Promise<void> {
  await apply(path)
  if (!recursive || !(await lstat(path)).isDirectory()) return
  for (const entry of await readdir(path, {withFileTypes: true}))
    if (!entry.isSymbolicLink()) await walk(join(path, entry.name), true, apply)
}

async function idOf(root: string, file: string, name: string): Promise<number> {
  const line = (await readFile(join(root, file), 'utf8')).split('\n').find((l) => l.split(':')[0] === name)
  if (!line) throw new Error(`${name} is not in ${file} of the root`)
  return Number(line.split(':')[2])
}
