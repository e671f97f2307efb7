import {posix} from 'node:path'

import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {RootReader} from '../facts/index.js'
import {withFix, type Fix} from '../fixes.js'

const TESTS = ['use-pty', 'logfile', 'no-nopasswd-all', 'no-authenticate-off'] as const
type Test = (typeof TESTS)[number]

interface Params {
  test: Test
}

/** One logical sudoers line (continuations joined) and where it starts. */
interface SudoersLine {
  text: string
  where: string
}

const MAX_FILES = 64
const MAX_DEPTH = 8
const INCLUDE = /^[@#]include(dir)?\s+(\S+)\s*$/

/**
 * The lines of /etc/sudoers with @include/#include read in place and @includedir/#includedir
 * read in name order, skipping names that end in `~` or contain a `.` (sudoers(5)); bounded in
 * files and depth.
 */
async function readSudoers(reader: RootReader): Promise<SudoersLine[] | null> {
  const out: SudoersLine[] = []
  let files = 0
  const read = async (path: string, depth: number): Promise<boolean> => {
    if (++files > MAX_FILES || depth > MAX_DEPTH) return false
    const text = await reader.text(path)
    if (text === null) return false
    const lines = text.replace(/\\\n/g, ' ').split('\n')
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n].trim()
      const include = INCLUDE.exec(line)
      if (include) {
        const target = include[2].startsWith('/') ? include[2] : posix.join(posix.dirname(path), include[2])
        if (!include[1]) await read(target, depth + 1)
        else
          for (const name of await reader.list(target))
            if (!name.endsWith('~') && !name.includes('.')) await read(posix.join(target, name), depth + 1)
        continue
      }
      const text = line.replace(/(^|\s)#.*$/, '').trim()
      if (text) out.push({text, where: `${path}:${n + 1}`})
    }
    return true
  }
  return (await read('/etc/sudoers', 0)) ? out : null
}

/** Entries of global `Defaults` lines (not `Defaults:user`, `@host`, `>runas`, `!cmnd`), in order. */
function globalDefaults(lines: SudoersLine[]): {entry: string; where: string}[] {
  return lines
    .filter((l) => /^Defaults\s/.test(l.text))
    .flatMap((l) =>
      l.text
        .slice('Defaults'.length)
        .split(',')
        .map((e) => ({entry: e.trim().replace(/\s*([+-]?=)\s*/, '$1'), where: l.where})),
    )
}

/** The last global setting of a flag: true (`flag`), false (`!flag`), or undefined. */
function flag(lines: SudoersLine[], name: string): {on: boolean; where: string} | undefined {
  let last: {on: boolean; where: string} | undefined
  for (const {entry, where} of globalDefaults(lines))
    if (entry === name || entry === `!${name}`) last = {on: entry === name, where}
  return last
}

const dropIn = (name: string, line: string): Partial<Fix> => ({
  edits: [{op: 'write', path: `/etc/sudoers.d/llmsec-${name}`, content: `${line}\n`, mode: '0440'}],
})

function judge(test: Test, lines: SudoersLine[]): {bad: string[]; ok: string[]; fix?: Partial<Fix>} {
  switch (test) {
    case 'use-pty': {
      const set = flag(lines, 'use_pty')
      return set?.on
        ? {bad: [], ok: [`Defaults use_pty (${set.where})`]}
        : {
            bad: [set ? `Defaults !use_pty (${set.where})` : 'no global Defaults use_pty'],
            ok: [],
            fix: dropIn('use-pty', 'Defaults use_pty'),
          }
    }
    case 'logfile': {
      const entries = globalDefaults(lines).filter((e) => /^!?logfile(=|$)/.test(e.entry))
      const last = entries.at(-1)
      return last && /^logfile=\S/.test(last.entry)
        ? {bad: [], ok: [`Defaults ${last.entry} (${last.where})`]}
        : {
            bad: [last ? `Defaults ${last.entry} (${last.where})` : 'no global Defaults logfile='],
            ok: [],
            fix: dropIn('logfile', 'Defaults logfile="/var/log/sudo.log"'),
          }
    }
    case 'no-nopasswd-all': {
      const bad = lines
        .filter(
          (l) => !/^(Defaults|\w+_Alias)\b/.test(l.text) && /\bNOPASSWD:\s*(?:[A-Z_]+:\s*)*ALL\s*(,|$)/.test(l.text),
        )
        .map((l) => `${l.where}: ${l.text}`)
      return {bad, ok: bad.length ? [] : ['no rule grants every command without a password']}
    }
    case 'no-authenticate-off': {
      const bad = lines
        .filter((l) => /^Defaults\S*\s/.test(l.text) && /(^|[\s,])!\s*authenticate\s*(,|$)/.test(l.text))
        .map((l) => `${l.where}: ${l.text}`)
      return {bad, ok: bad.length ? [] : ['no Defaults line turns authentication off']}
    }
  }
}

export const check = defineCheck<Params>()({
  id: 'sudoers',
  title: 'sudo is configured safely',
  limits:
    'The sudoers files as sudo reads them; sudo rules from LDAP or SSSD, other privilege tools (doas, pkexec, setuid programs) and what an allowed command can do are not judged.',
  /**
   * /etc/sudoers with its includes (sudoers(5): @include/#include in place, @includedir files in
   * name order without `~` or `.` in the name; bounded): global Defaults use_pty and logfile, no
   * NOPASSWD rule for ALL commands, no Defaults !authenticate.
   */
  description:
    'Reads /etc/sudoers and its includes: Defaults use_pty, Defaults logfile, no NOPASSWD: ALL, no !authenticate.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['test'],
    properties: {test: {type: 'string', enum: [...TESTS]}},
  },
  async run({root, params}) {
    const reader = new RootReader(root)
    const lines = await readSudoers(reader)
    if (lines === null)
      return guardUnreadable(
        outcome.notApplicable('/etc/sudoers does not exist (sudo is not installed)'),
        reader.unreadable,
      )
    const {bad, ok, fix} = judge(params.test, lines)
    const verdict = bad.length
      ? withFix(outcome.fail(bad, '/etc/sudoers'), fix ?? {})
      : outcome.pass(ok, '/etc/sudoers')
    return guardUnreadable(verdict, reader.unreadable, params.test.startsWith('no-'))
  },
})
