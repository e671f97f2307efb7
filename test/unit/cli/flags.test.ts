import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {describe, expect, it} from 'vitest'

import Audit from '../../../commands/audit.js'
import Bench from '../../../commands/bench.js'
import Egress from '../../../commands/egress.js'
import Smoke from '../../../commands/smoke.js'
import {suggestCommand} from '../../../src/cli/hooks/not-found.js'
import {repoRoot} from '../../helpers/cli.js'

interface ParsingFlag {
  name: string
  parse: (input: string, context: unknown, flag: unknown) => Promise<unknown>
}

/** Runs one flag's parser as oclif does, collecting what it warns. */
async function parseFlag(flags: Record<string, unknown>, name: string, input: string) {
  const flag = {...(flags[name] as ParsingFlag), name}
  const warnings: string[] = []
  const context = {warn: (text: string) => warnings.push(text)}
  try {
    return {value: await flag.parse(input, context, flag), warnings}
  } catch (error) {
    return {error: (error as Error).message, warnings}
  }
}

describe('duration flags', () => {
  // Each command keeps the unit its unit-less --timeout had, so old scripts mean what they meant.
  it.each([
    {label: 'audit --timeout', flags: Audit.flags, name: 'timeout', unit: 'milliseconds', bare: '900', bareMs: 900},
    {label: 'egress --timeout', flags: Egress.flags, name: 'timeout', unit: 'milliseconds', bare: '900', bareMs: 900},
    {label: 'smoke --timeout', flags: Smoke.flags, name: 'timeout', unit: 'seconds', bare: '90', bareMs: 90_000},
    {label: 'bench --timeout', flags: Bench.flags, name: 'timeout', unit: 'seconds', bare: '90', bareMs: 90_000},
    {label: 'bench --duration', flags: Bench.flags, name: 'duration', unit: 'seconds', bare: '90', bareMs: 90_000},
  ])(
    '$label reads units, and a bare number in $unit with a deprecation note',
    async ({flags, name, unit, bare: input, bareMs}) => {
      expect(await parseFlag(flags, name, '2m')).toEqual({value: 120_000, warnings: []})
      expect(await parseFlag(flags, name, '1500ms')).toEqual({value: 1500, warnings: []})
      const bare = await parseFlag(flags, name, input)
      expect(bare.value).toBe(bareMs)
      expect(bare.warnings).toHaveLength(1)
      expect(bare.warnings[0]).toContain(`read as ${unit}`)
      expect((await parseFlag(flags, name, '15 sec')).error).toMatch(/is not a duration/)
      expect((await parseFlag(flags, name, '1000h')).error).toMatch(/is outside/)
    },
  )

  it('shows defaults as durations in help', async () => {
    const timeout = Smoke.flags.timeout as unknown as {defaultHelp: () => Promise<string>; default: number}
    expect([await timeout.defaultHelp(), timeout.default]).toEqual(['1m', 60_000])
  })
})

describe('flag values are typed by their declarations', () => {
  // Flags.option gives each enumeration its union type: a cast on a flag value would hide a
  // mismatch between the options offered and the values the engine accepts.
  it('no command casts a flag value', () => {
    const dir = join(repoRoot, 'commands')
    const files = readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((f) => f.endsWith('.ts'))
    const casts = files.flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => /\b(flags|f)(\.[\w]+|\['[\w-]+'\])\s+as\s/.test(line))
        .map((line) => `${relative(repoRoot, join(dir, file))}: ${line.trim()}`),
    )
    expect(casts).toEqual([])
  })
})

describe('suggestCommand', () => {
  const ids = ['audit', 'autocomplete', 'init', 'inventory', 'keys:ca', 'keys:cert', 'keys:generate', 'scan', 'sign']
  it.each([
    ['audti', 'audit'],
    ['adit', 'audit'],
    ['invetnory', 'inventory'],
    ['keys:gen', 'keys:generate'],
    ['key:generate', 'keys:generate'],
    ['scna', 'scan'],
  ])('%s → %s', (typed, expected) => expect(suggestCommand(typed, ids)).toBe(expected))

  it.each(['xyzzy', 'firewall', 'deploy', ''])('suggests nothing for %j', (typed) => {
    expect(suggestCommand(typed, ids)).toBeNull()
  })
})
