import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'

/** YAML nested a hundred thousand levels deep, in flow and in block form. */
const DEEP = {
  flow: `apiVersion: llmsec.dev/v1\nrules: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
  block: `rules:\n${'- '.repeat(100_000)}x\n`,
}

describe('YAML nested 100,000 deep: a clear input error (exit 2), never a crash', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-deep-'))
    for (const [name, text] of Object.entries(DEEP)) await writeFile(join(dir, `${name}.yaml`), text)
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  it.each(Object.keys(DEEP))('rulesets validate: %s', async (name) => {
    const run = await runCli(['rulesets', 'validate', join(dir, `${name}.yaml`)])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(new RegExp(`${name}\\.yaml:\\d+:\\d+: YAML nested deeper than 64 levels`))
  })

  it.each(Object.keys(DEEP))('audit --ruleset and --waivers: %s', async (name) => {
    const ruleset = await runCli(['audit', '--ruleset', join(dir, `${name}.yaml`), '--root', dir])
    expect(ruleset.exitCode).toBe(2)
    expect(ruleset.stderr).toMatch(/YAML nested deeper than 64 levels/)
    const waivers = await runCli(['audit', '--waivers', join(dir, `${name}.yaml`), '--root', dir])
    expect(waivers.exitCode).toBe(2)
    expect(waivers.stderr).toMatch(/YAML nested deeper than 64 levels/)
  })

  it('the config file ./llmsec.yaml', async () => {
    const cwd = await mkdtemp(join(dir, 'cwd-'))
    await writeFile(join(cwd, 'llmsec.yaml'), DEEP.block)
    const run = await runCli(['firewall'], {cwd})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/llmsec\.yaml:\d+:\d+: YAML nested deeper than 64 levels/)
  })
})
