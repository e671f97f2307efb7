import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'

const BASH = '/usr/bin/bash'
const ZSH = '/usr/bin/zsh'

describe('llmsec autocomplete', () => {
  let cache: string
  const env = () => ({XDG_CACHE_HOME: cache, HOME: cache})
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), 'llmsec-complete-'))
  })
  afterAll(() => rm(cache, {recursive: true, force: true}))

  /** The line `autocomplete script <shell>` prints for the shell's rc file, and the file it sources. */
  async function setup(shell: 'bash' | 'zsh') {
    const instructions = await runCli(['autocomplete', shell], {env: env()})
    expect(instructions.exitCode, instructions.stderr).toBe(0)
    expect(instructions.stdout).toContain(`llmsec autocomplete script ${shell}`)
    const script = await runCli(['autocomplete', 'script', shell], {env: env()})
    expect(script.exitCode, script.stderr).toBe(0)
    const setupFile = join(cache, 'llmsec', 'autocomplete', `${shell}_setup`)
    expect(script.stdout).toContain(setupFile)
    return {line: script.stdout.trim(), setupFile}
  }

  const noBash = skipReason(!existsSync(BASH), `${BASH} is missing`)
  it.skipIf(noBash)('bash: completes commands, topics and flags', async () => {
    const {line} = await setup('bash')
    // Run the completion function the way bash does on <TAB>, for a few command lines.
    const complete = async (...words: string[]) => {
      const program = `${line}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}\n_llmsec_autocomplete\nprintf '%s\\n' "\${COMPREPLY[@]}"`
      const run = await execa(BASH, ['--noprofile', '--norc', '-c', program], {reject: false})
      expect(run.exitCode, run.stderr).toBe(0)
      return run.stdout.split('\n').filter(Boolean).sort()
    }
    expect(await complete('llmsec', 'aud')).toEqual(['audit'])
    expect(await complete('llmsec', 'keys', 'ge')).toEqual(['generate'])
    expect(await complete('llmsec', 'audit', '--rul')).toEqual(['--rule', '--ruleset'])
    expect(await complete('llmsec', 'init', '--loc')).toEqual(['--location'])
  })

  const noZsh = skipReason(!existsSync(ZSH), `${ZSH} is missing (apt-get install zsh)`)
  it.skipIf(noZsh)('zsh: writes a completion function zsh accepts', async () => {
    const {setupFile} = await setup('zsh')
    const functionFile = join(cache, 'llmsec', 'autocomplete', 'functions', 'zsh', '_llmsec')
    for (const file of [setupFile, functionFile]) {
      const check = await execa(ZSH, ['-n', file], {reject: false})
      expect(check.exitCode, `${file}: ${check.stderr}`).toBe(0)
    }
    const completion = await readFile(functionFile, 'utf8')
    expect(completion).toMatch(/^#compdef llmsec/)
    for (const piece of ['"audit[', '"generate[', '--ruleset', '--location']) expect(completion).toContain(piece)
    // Loaded by compinit in a clean zsh, the function is registered for llmsec.
    const loaded = await execa(
      ZSH,
      [
        '-f',
        '-c',
        `source ${setupFile} 2>/dev/null; compinit -u -d ${join(cache, 'zcompdump')}; print -r -- $_comps[llmsec]`,
      ],
      {reject: false},
    )
    expect(loaded.stdout.trim(), loaded.stderr).toBe('_llmsec')
  })
})
