import {existsSync, readFileSync} from 'node:fs'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {binPath, repoRoot, runCli, runCliJson} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'

interface ManifestFlag {
  name: string
  char?: string
  charAliases?: string[]
  aliases?: string[]
  deprecateAliases?: boolean
  helpValue?: string
  hidden?: boolean
}
interface Manifest {
  commands: Record<string, {flags: Record<string, ManifestFlag>}>
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as Manifest
const commands = Object.entries(manifest.commands)
const flagsOf = (id: string) => manifest.commands[id].flags

describe('the same flag has the same name, letter and unit in every command', () => {
  it('gives each short letter to one flag name', () => {
    const names = new Map<string, Set<string>>()
    for (const [, command] of commands)
      for (const flag of Object.values(command.flags))
        if (flag.char) names.set(flag.char, new Set([...(names.get(flag.char) ?? []), flag.name]))
    const shared = [...names].filter(([, set]) => set.size > 1).map(([char, set]) => `-${char}: ${[...set]}`)
    expect(shared).toEqual([])
    expect(names.get('r')).toEqual(new Set(['recipient']))
  })

  it('gives a flag the same short letter wherever it has one', () => {
    const letters = new Map<string, Set<string>>()
    for (const [id, command] of commands)
      for (const flag of Object.values(command.flags))
        letters.set(flag.name, new Set([...(letters.get(flag.name) ?? []), `${flag.char ?? '-'}:${id}`]))
    const output = [...(letters.get('output') ?? [])]
    expect(output.length).toBeGreaterThanOrEqual(8)
    expect(output.filter((entry) => !entry.startsWith('o:'))).toEqual([])
  })

  it('names every written file --output, keeping the old names hidden and deprecated', () => {
    const renamed = {'keys:generate': 'out', 'keys:ca': 'out', 'keys:cert': 'out', init: 'file', sign: 'signature'}
    for (const [id, oldName] of Object.entries(renamed)) {
      const output = flagsOf(id).output
      expect(output, id).toMatchObject({char: 'o', aliases: [oldName], deprecateAliases: true})
      expect(flagsOf(id)[oldName], id).toBeUndefined()
    }
    expect(flagsOf('audit').ruleset).toMatchObject({charAliases: ['r'], deprecateAliases: true})
    expect(flagsOf('audit').ruleset.char).toBeUndefined()
  })

  it('takes a duration with a unit in every --timeout and --duration', () => {
    const durations = commands.flatMap(([id, c]) =>
      Object.values(c.flags)
        .filter((f) => f.name === 'timeout' || f.name === 'duration')
        .map((f) => [id, f.name, f.helpValue]),
    )
    expect(durations.map(([id, name]) => `${id} --${name}`).sort()).toEqual([
      'audit --timeout',
      'bench --duration',
      'bench --timeout',
      'egress --timeout',
      'smoke --timeout',
    ])
    expect(durations.filter(([, , helpValue]) => helpValue !== '<duration>')).toEqual([])
  })

  it('documents the --json shape of every command in docs/json/', () => {
    const missing = commands
      .map(([id]) => id.split(':')[0])
      .filter(
        (topic) => !['md', 'schema.json'].every((ext) => existsSync(join(repoRoot, 'docs', 'json', `${topic}.${ext}`))),
      )
    expect(missing).toEqual([])
  })
})

describe('renamed flags still work for one release', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-surface-'))
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  it('keys --out and sign --signature, each with one warning line', async () => {
    const keys = await runCli(['keys', 'generate', '--out', join(dir, 'keys')])
    expect(keys.exitCode, keys.stderr).toBe(0)
    expect(keys.stderr).toBe('llmsec: warning: The "--out" flag has been deprecated. Use "--output | -o" instead.')
    expect(existsSync(join(dir, 'keys', 'private.pem'))).toBe(true)
    await writeFile(join(dir, 'model.bin'), 'weights')
    const signature = join(dir, 'release.sig')
    const sign = await runCliJson([
      'sign',
      join(dir, 'model.bin'),
      '--key',
      join(dir, 'keys', 'private.pem'),
      '--signature',
      signature,
    ])
    expect(sign.exitCode, sign.stderr).toBe(0)
    expect(existsSync(signature)).toBe(true)
    // Under --json stderr stays free of notes; the new name writes to the same place.
    expect(sign.stderr).toBe('')
    const key = join(dir, 'keys', 'private.pem')
    const again = await runCli(['sign', join(dir, 'model.bin'), '--key', key, '-o', join(dir, 'new.sig')])
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stderr).not.toContain('deprecated')
    expect(existsSync(join(dir, 'new.sig'))).toBe(true)
  })

  it('audit -r still means --ruleset, with a warning', async () => {
    const root = join(dir, 'root')
    await mkdir(root)
    const run = await runCli(['audit', '-r', 'baseline', '--root', root, '--rule', 'no-pickle-models'])
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stderr).toContain('llmsec: warning: The "-r" flag has been deprecated. Use "--ruleset" instead.')
  })

  it('a command that fails after an old flag name prints only its one error line', async () => {
    const audit = await runCli(['audit', '-r', join(dir, 'no-such-rules.yaml')])
    expect(audit.exitCode).toBe(2)
    expect(audit.stderr.trim().split('\n'), audit.stderr).toHaveLength(1)
    expect(audit.stderr).toContain('no-such-rules.yaml')
    const keys = await runCli(['keys', 'generate', '--out', join(dir, 'model.bin', 'k')])
    expect(keys.exitCode).toBe(2)
    expect(keys.stderr.trim().split('\n'), keys.stderr).toHaveLength(1)
    expect(keys.stderr).not.toContain('deprecated')
  })

  it('a unit-less --timeout keeps its old unit and asks for one', async () => {
    const bare = await runCliJson<{timeoutMs: number}>(['egress', '--target', 'dns:127.0.0.1:9', '--timeout', '300'])
    expect(bare.json.timeoutMs).toBe(300)
    expect(bare.stderr).toBe('')
    const noted = await runCli(['egress', '--target', 'dns:127.0.0.1:9', '--timeout', '300'])
    expect(noted.stderr).toContain(
      'llmsec: warning: --timeout 300: a number without a unit is read as milliseconds; write --timeout 300ms',
    )
    const unit = await runCliJson<{timeoutMs: number}>(['egress', '--target', 'dns:127.0.0.1:9', '--timeout', '0.3s'])
    expect(unit.json.timeoutMs).toBe(300)
    const wrong = await runCli(['egress', '--target', 'dns:127.0.0.1:9', '--timeout', '3 s'])
    expect(wrong.exitCode).toBe(2)
    expect(wrong.stderr).toBe(
      'llmsec: Parsing --timeout: "3 s" is not a duration: write a number and a unit, e.g. 500ms, 15s, 2m or 1m30s. See --help.',
    )
  })
})

describe('a mistyped command', () => {
  it('suggests the command it resembles and exits 2', async () => {
    const run = await runCli(['audti'])
    expect(run.exitCode).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe('llmsec: "audti" is not a command. Did you mean "audit"? See llmsec --help.')
    const topic = await runCli(['keys', 'gen', '--output', 'x'])
    expect(topic.stderr).toContain('Did you mean "keys generate"?')
  })

  it('is the JSON error object under --json', async () => {
    const run = await runCliJson(['audti', '--root', '/'])
    expect(run.exitCode).toBe(2)
    expect(run.json).toEqual({
      error: {code: 'USAGE', message: '"audti" is not a command. Did you mean "audit"? See llmsec --help.', exit: 2},
    })
  })

  const noPty = skipReason(!existsSync('/usr/bin/python3'), '/usr/bin/python3 is missing: it drives a pseudo-terminal')
  it.skipIf(noPty)('never asks, even on a terminal', async () => {
    const spec = join(tmpdir(), `llmsec-typo-${process.pid}.json`)
    await writeFile(
      spec,
      JSON.stringify({argv: [process.execPath, binPath, 'audti'], env: {NO_COLOR: '1'}, timeout: 20}),
    )
    try {
      const run = await execa('/usr/bin/python3', [join(repoRoot, 'test', 'helpers', 'pty-drive.py'), spec], {
        reject: false,
      })
      expect(run.exitCode, run.stdout).toBe(2)
      expect(run.stdout).toContain('Did you mean "audit"?')
      expect(run.stdout).not.toMatch(/\(Y\/n\)/i)
    } finally {
      await rm(spec, {force: true})
    }
  })
})

describe('root help', () => {
  it("shows each topic's own description", async () => {
    const run = await runCli(['--help'])
    expect(run.exitCode).toBe(0)
    const topics = run.stdout.slice(run.stdout.indexOf('TOPICS'), run.stdout.indexOf('COMMANDS')).replace(/\s+/g, ' ')
    expect(topics).toContain('keys Create signing keys, a certificate authority and code-signing certificates')
    expect(topics).toContain('rulesets List, show and validate the compliance rulesets audit uses')
  })
})
