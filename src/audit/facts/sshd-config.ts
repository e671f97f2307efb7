import {posix} from 'node:path'

import {globToRegExp} from '../../core/glob.js'
import type {RootReader} from './rootfs.js'

/** One `Match` line: criteria keyword (lower case) → pattern list; `all` has no patterns. */
export interface MatchBlock {
  /** The Match line as written, for evidence. */
  text: string
  where: string
  criteria: {keyword: string; patterns: string}[]
  /** The block an Include of this block's file stands in: it must apply too. */
  parent: MatchBlock | null
}

/** One keyword line of the configuration, in the order sshd reads it (Include expanded in place). */
export interface SshdDirective {
  /** Lower-cased keyword. */
  key: string
  value: string
  /** `file:line`. */
  where: string
  /** The Match block the line belongs to; null for the global section. */
  match: MatchBlock | null
}

/** Most nested Include levels sshd follows (servconf.c: SERVCONF_MAX_DEPTH). */
const MAX_INCLUDE_DEPTH = 16
/** At most this many directives are kept and files read (bounds on hostile configurations). */
const MAX_DIRECTIVES = 20_000
const MAX_FILES = 256

/**
 * Splits a line into words as sshd's argv_split does: whitespace separates, double or single
 * quotes group, a `#` that starts a word begins a comment. `Key=value` is split at the first `=`.
 */
export function splitSshdLine(line: string): string[] {
  const words: string[] = []
  const text = line.replace(/^\s*([A-Za-z]+)\s*=\s*/, '$1 ')
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    if (m[3]?.startsWith('#')) break
    words.push(m[1] ?? m[2] ?? m[3])
  }
  return words
}

function parseMatch(args: string[], where: string, parent: MatchBlock | null): MatchBlock {
  const criteria: MatchBlock['criteria'] = []
  for (let i = 0; i < args.length; i++) {
    const keyword = args[i].toLowerCase()
    if (keyword === 'all') criteria.push({keyword, patterns: ''})
    else criteria.push({keyword, patterns: args[++i] ?? ''})
  }
  return {text: `Match ${args.join(' ')}`, where, criteria, parent}
}

interface ParseState {
  reader: RootReader
  directives: SshdDirective[]
  files: number
}

async function includeFiles(reader: RootReader, pattern: string): Promise<string[]> {
  const full = pattern.startsWith('/') ? pattern : posix.join('/etc/ssh', pattern)
  if (!/[*?[]/.test(full)) return [full]
  const dir = posix.dirname(full)
  const glob = globToRegExp(posix.basename(full))
  // glob(3) returns sorted names, and sshd reads them in that order.
  return (await reader.list(dir)).filter((name) => glob.test(name)).map((name) => posix.join(dir, name))
}

/**
 * Reads one file into the directive list. A Match block ends at the next Match or at the end of the
 * file it is written in: an included file's Match does not reach back into the including file, and
 * an Include inside a Match block belongs to that block, Match blocks of the included file too
 * (sshd_config(5), Include and Match; checked against sshd -T in the tests).
 */
async function readFile(state: ParseState, path: string, context: MatchBlock | null, depth: number): Promise<void> {
  if (++state.files > MAX_FILES) return
  const text = await state.reader.text(path)
  if (text === null) return
  let match = context
  const lines = text.split('\n')
  for (let n = 0; n < lines.length && state.directives.length < MAX_DIRECTIVES; n++) {
    const [rawKey, ...args] = splitSshdLine(lines[n])
    if (!rawKey) continue
    const key = rawKey.toLowerCase()
    const where = `${path}:${n + 1}`
    if (key === 'match') match = parseMatch(args, where, context)
    else if (key === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) continue
      for (const pattern of args)
        for (const file of await includeFiles(state.reader, pattern)) await readFile(state, file, match, depth + 1)
    } else state.directives.push({key, value: args.join(' '), where, match})
  }
}

/** The directives of an sshd configuration with every Include expanded where it stands. */
export async function readSshdConfig(reader: RootReader, path: string): Promise<SshdDirective[]> {
  const state: ParseState = {reader, directives: [], files: 0}
  await readFile(state, path, null, 0)
  return state.directives
}
