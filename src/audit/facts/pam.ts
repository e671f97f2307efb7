import {posix} from 'node:path'

import type {RootReader} from './rootfs.js'
import {append} from '../../core/arrays.js'

/** One module line of a PAM stack, with its origin. */
export interface PamLine {
  type: string
  control: string
  module: string
  args: string[]
  /** `file:line`. */
  where: string
}

/** Most nested include/substack levels followed (PAM's own limit is similar: PAM_SUBSTACK_MAX_LEVEL 16). */
const MAX_DEPTH = 16
/** At most this many files are read for one stack (includes can branch: the bound keeps it linear). */
const MAX_FILES = 128
const PAM_DIR = '/etc/pam.d'

/** Splits a PAM line into words: `[...]` controls stay one word, `#` starts a comment (pam.conf(5)). */
function words(line: string): string[] {
  const out: string[] = []
  for (const m of line.replace(/#.*$/, '').matchAll(/\[[^\]]*\]|\S+/g)) out.push(m[0])
  return out
}

/**
 * The lines of one PAM type (auth, account, …) of a service, as libpam builds the stack:
 * `@include FILE` and `include`/`substack` controls are read in place; comments and blank lines
 * are not lines; a `\` at the end of a line continues it.
 */
export async function readPamStack(reader: RootReader, service: string, type: string): Promise<PamLine[]> {
  return readStack(reader, service, type, {files: 0}, [])
}

async function readStack(
  reader: RootReader,
  service: string,
  type: string,
  budget: {files: number},
  chain: string[],
): Promise<PamLine[]> {
  // A file that includes itself (directly or further down) is a loop libpam cannot load either.
  if (chain.length > MAX_DEPTH || budget.files >= MAX_FILES || chain.includes(service)) return []
  budget.files++
  const nested = (name: string) => readStack(reader, name, type, budget, [...chain, service])
  const path = posix.join(PAM_DIR, service)
  const text = await reader.text(path)
  if (text === null) return []
  const out: PamLine[] = []
  const lines = text.replace(/\\\n/g, ' ').split('\n')
  for (let n = 0; n < lines.length; n++) {
    const [first, control, module, ...args] = words(lines[n])
    if (!first) continue
    if (first === '@include') {
      if (control) append(out, await nested(control))
      continue
    }
    if (first.replace(/^-/, '').toLowerCase() !== type || !module) continue
    if (control === 'include' || control === 'substack') append(out, await nested(module))
    else out.push({type, control, module: posix.basename(module), args, where: `${path}:${n + 1}`})
  }
  return out
}

/** Key = value settings of a file such as /etc/security/faillock.conf (`#` comments; a bare key is a flag). */
export function parseSecurityConf(text: string): Map<string, string> {
  const values = new Map<string, string>()
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim()
    if (!line) continue
    const m = /^([A-Za-z_]+)\s*(?:=\s*(.*))?$/.exec(line)
    if (m) values.set(m[1], (m[2] ?? '').trim())
  }
  return values
}
