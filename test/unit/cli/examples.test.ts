import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Flags, Parser, type Command} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {LlmsecCommand} from '../../../src/cli/base-command.js'
import {repoRoot} from '../../helpers/cli.js'

const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
  commands: Record<string, unknown>
}
const ids = Object.keys(manifest.commands)

/** Splits a shell command line into words, up to the first pipe, redirection or comment. */
function shellWords(line: string): string[] {
  const words: string[] = []
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\|\||&&|[|>#]|[^\s'"|>#]+)/g)) {
    if (match[3] && /^(\|\||&&|[|>#])$/.test(match[3])) break
    words.push(match[1] ?? match[2] ?? match[3])
  }
  // Environment assignments and sudo come before the program.
  while (words.length && (/^[A-Z_]+=/.test(words[0]) || words[0] === 'sudo')) words.shift()
  return words
}

/** The command id a line runs and its remaining arguments, or null when it runs no llmsec command. */
function commandOf(words: string[]): {id: string; argv: string[]} | null {
  if (words[0] !== 'llmsec') return null
  for (let n = Math.min(3, words.length - 1); n >= 1; n--) {
    const id = words.slice(1, 1 + n).join(':')
    if (ids.includes(id)) return {id, argv: words.slice(1 + n)}
  }
  return null
}

async function loadCommand(id: string): Promise<typeof Command> {
  const module = (await import(join(repoRoot, 'commands', ...id.split(':')) + '.ts')) as {default: typeof Command}
  return module.default
}

/**
 * Parses an example as oclif would, and returns what is wrong with it: an unknown flag, a bad
 * value, or a deprecated form (old flag names, unit-less durations) that examples must not teach.
 * A `mention` in prose (`llmsec sign`, `--format <f>`) may leave out arguments and values.
 */
async function problemsOf(line: string, mention = false): Promise<string[]> {
  const found = commandOf(shellWords(line))
  if (!found) return []
  const command = await loadCommand(found.id)
  const warnings: string[] = []
  const flags = {...LlmsecCommand.baseFlags, json: Flags.boolean(), ...command.flags}
  const aliases = Object.values(flags).flatMap((f) => [
    ...((f as {aliases?: string[]}).aliases ?? []).map((a) => `--${a}`),
    ...((f as {charAliases?: string[]}).charAliases ?? []).map((a) => `-${a}`),
  ])
  const old = found.argv.filter((word) => aliases.includes(word.split('=')[0]))
  try {
    await Parser.parse(found.argv, {
      flags,
      args: command.args,
      strict: command.strict,
      context: {warn: (text: string) => warnings.push(text)} as never,
    })
  } catch (error) {
    const message = (error as Error).message
    // Example paths need not exist on the test machine.
    const excused = mention
      ? /No (file|directory) found at|Missing .*required|expects a value|=<\w+/
      : /No (file|directory) found at/
    if (!excused.test(message)) return [`${line}: ${message.split('\n').join(' ')}`]
  }
  return [...old.map((w) => `${line}: uses the deprecated ${w}`), ...warnings.map((w) => `${line}: ${w}`)]
}

describe('examples', () => {
  it("every command's --help examples parse, with current flag names and units", async () => {
    const problems: string[] = []
    for (const id of ids) {
      const command = await loadCommand(id)
      for (const example of command.examples ?? []) {
        const line = typeof example === 'string' ? example : example.command
        problems.push(...(await problemsOf(line.replaceAll('<%= config.bin %>', 'llmsec'))))
      }
    }
    expect(problems).toEqual([])
  })

  it('every llmsec command line in the README and docs parses, with current names and units', async () => {
    const docs = readdirSync(join(repoRoot, 'docs'), {recursive: true, encoding: 'utf8'})
      .filter((f) => f.endsWith('.md'))
      .map((f) => join('docs', f))
    const problems: string[] = []
    let checked = 0
    for (const file of ['README.md', ...docs]) {
      const text = readFileSync(join(repoRoot, file), 'utf8')
      const lines = [
        ...[...text.matchAll(/`(llmsec [^`]+)`/g)].map((m) => m[1]),
        ...text.split('\n').filter((l) => /^\s*(sudo )?llmsec /.test(l)),
      ]
      for (const line of lines) {
        if (commandOf(shellWords(line))) checked++
        problems.push(...(await problemsOf(line.replaceAll('\\|', '|'), true)).map((p) => `${file}: ${p}`))
      }
    }
    expect(problems).toEqual([])
    expect(checked).toBeGreaterThan(30)
  })

  it('notices an example that uses an old flag name or a unit-less duration', async () => {
    expect(await problemsOf('llmsec keys generate --out ./keys')).toEqual([
      'llmsec keys generate --out ./keys: uses the deprecated --out',
    ])
    expect((await problemsOf('llmsec egress --timeout 1500'))[0]).toMatch(/read as milliseconds/)
    expect((await problemsOf('llmsec audit --rulez x'))[0]).toMatch(/Nonexistent flag: --rulez/)
    expect(await problemsOf('llmsec audit --ruleset hipaa --timeout 2m | tee out')).toEqual([])
  })
})
