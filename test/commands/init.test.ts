import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {loadConfig} from '../../src/core/config.js'
import {buildCarelessRoot} from '../helpers/audit-roots.js'
import {binPath, repoRoot, runCli, runCliJson} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {removeRoot} from '../helpers/rootfs.js'
import {loadDocSchema} from '../helpers/schema.js'

const PYTHON = '/usr/bin/python3'

describe('llmsec init', () => {
  let root: string
  let home: string
  let cwd: string
  beforeAll(async () => {
    root = await buildCarelessRoot()
    home = await mkdtemp(join(tmpdir(), 'llmsec-home-'))
    cwd = await mkdtemp(join(tmpdir(), 'llmsec-cwd-'))
  })
  afterAll(async () => {
    await removeRoot(root)
    await rm(home, {recursive: true, force: true})
    await rm(cwd, {recursive: true, force: true})
  })
  const env = () => ({HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), LLMSEC_SYSCONFDIR: join(home, 'etc')})

  it('--yes writes the defaults (found models and runtimes), and the file validates', async () => {
    const run = await runCliJson<{file: string; written: boolean; config: object}>(['init', '--yes', '--root', root], {
      cwd,
      env: env(),
    })
    expect(run.exitCode, run.stderr).toBe(0)
    const validate = loadDocSchema('init')
    expect(validate(run.json), JSON.stringify(validate.errors)).toBe(true)
    const file = join(cwd, 'llmsec.yaml')
    expect(run.json).toMatchObject({file, written: true})
    const {config} = await loadConfig(file)
    expect(config.models?.paths).toContain('/srv/models')
    expect(config.endpoints).toEqual([{url: 'http://127.0.0.1:11434'}])
    expect(config.rulesets).toEqual(['baseline'])
    expect(config.egress).toEqual({allow: []})
  })

  it('never overwrites without --force, and overwrites with it', async () => {
    const file = join(cwd, 'llmsec.yaml')
    await writeFile(file, 'rulesets: [hipaa]\n')
    const refused = await runCli(['init', '--yes', '--root', root], {cwd, env: env()})
    expect(refused.exitCode).toBe(2)
    expect(refused.stderr).toContain(`${file} already exists; pass --force to overwrite it.`)
    expect(await readFile(file, 'utf8')).toBe('rulesets: [hipaa]\n')
    const forced = await runCli(['init', '--yes', '--force', '--root', root], {cwd, env: env()})
    expect(forced.exitCode, forced.stderr).toBe(0)
    expect((await loadConfig(file)).config.rulesets).toEqual(['baseline'])
  })

  it('refuses to prompt when stdin is not a terminal (exit 2)', async () => {
    const run = await runCli(['init', '--output', 'other.yaml'], {cwd, env: env()})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('pass --yes')
    expect(existsSync(join(cwd, 'other.yaml'))).toBe(false)
    const noRoot = await runCli(['init', '--yes', '--root', join(cwd, 'missing'), '--output', 'other.yaml'], {
      cwd,
      env: env(),
    })
    expect(noRoot.exitCode).toBe(2)
    expect(noRoot.stderr).toContain('is not a directory')
    expect(existsSync(join(cwd, 'other.yaml'))).toBe(false)
  })

  interface InitJson {
    file: string
    written: boolean
    readFrom: {file: string | null; isWritten: boolean; searched: boolean}
  }

  it('--location writes the user or system file and says which file llmsec will read here', async () => {
    const here = await mkdtemp(join(tmpdir(), 'llmsec-cwd-'))
    try {
      const userFile = join(home, 'xdg', 'llmsec', 'config.yaml')
      const user = await runCliJson<InitJson>(['init', '--yes', '--location', 'user', '--root', root], {
        cwd: here,
        env: env(),
      })
      expect(user.exitCode, user.stderr).toBe(0)
      expect(loadDocSchema('init')(user.json)).toBe(true)
      expect(user.json).toMatchObject({file: userFile, readFrom: {file: userFile, isWritten: true, searched: true}})
      expect((await stat(join(home, 'xdg', 'llmsec'))).mode & 0o777).toBe(0o700)
      const said = await runCli(['init', '--yes', '--force', '--location', 'user', '--root', root], {
        cwd: here,
        env: env(),
      })
      expect(said.stderr).toContain(`llmsec run from ${here} reads ${userFile}.`)

      // The system file is written, but the user file comes first and is what llmsec reads.
      const systemFile = join(home, 'etc', 'llmsec', 'config.yaml')
      const system = await runCli(['init', '--yes', '--location', 'system', '--root', root], {cwd: here, env: env()})
      expect(system.exitCode, system.stderr).toBe(0)
      expect(system.stdout).toContain(`wrote ${systemFile}`)
      expect(system.stderr).toContain(`warning: ${userFile} comes earlier in the search order`)
      expect((await loadConfig(systemFile)).config.rulesets).toEqual(['baseline'])

      const outside = await runCliJson<InitJson>(['init', '--yes', '--output', 'elsewhere.yaml', '--root', root], {
        cwd: here,
        env: env(),
      })
      expect(outside.json.readFrom).toEqual({file: userFile, isWritten: false, searched: false})
      const both = await runCli(['init', '--yes', '--location', 'user', '--output', 'x.yaml'], {cwd: here, env: env()})
      expect(both.exitCode).toBe(2)
      expect(both.stderr).toMatch(
        /--output=x.yaml cannot also be provided when using --location|cannot also be provided/,
      )
    } finally {
      await rm(here, {recursive: true, force: true})
      await rm(join(home, 'xdg'), {recursive: true, force: true})
      await rm(join(home, 'etc'), {recursive: true, force: true})
    }
  })

  it('still takes --file for one release, with a deprecation note', async () => {
    const here = await mkdtemp(join(tmpdir(), 'llmsec-cwd-'))
    try {
      await mkdir(join(here, 'conf'))
      const run = await runCli(['init', '--yes', '--file', 'conf/old.yaml', '--root', root], {cwd: here, env: env()})
      expect(run.exitCode, run.stderr).toBe(0)
      expect(run.stderr).toContain(
        'llmsec: warning: The "--file" flag has been deprecated. Use "--output | -o" instead.',
      )
      expect((await loadConfig(join(here, 'conf', 'old.yaml'))).config.rulesets).toEqual(['baseline'])
    } finally {
      await rm(here, {recursive: true, force: true})
    }
  })

  const noPty = skipReason(
    !existsSync(PYTHON),
    `${PYTHON} is missing: the interactive init test drives a pseudo-terminal with it`,
  )

  async function drive(steps: {expect: string; send: string}[], args: string[]) {
    const spec = join(cwd, `spec-${Date.now()}.json`)
    await writeFile(
      spec,
      JSON.stringify({
        argv: [process.execPath, binPath, 'init', ...args],
        cwd,
        env: {HOME: home, NO_COLOR: '1'},
        timeout: 45,
        steps,
      }),
    )
    return execa(PYTHON, [join(repoRoot, 'test', 'helpers', 'pty-drive.py'), spec], {reject: false, timeout: 60_000})
  }

  it.skipIf(noPty)('asks for each part in a terminal and writes the answers', async () => {
    const key = join(home, 'signer.pub')
    await writeFile(key, '-----BEGIN PUBLIC KEY-----\n')
    const down = '\u001b[B'
    const run = await drive(
      [
        {expect: 'Model directories to audit', send: '\r'},
        {expect: 'Other model directories', send: '/data/llm\r'},
        {expect: 'Inference endpoints to probe', send: ' \r'},
        {expect: 'Other endpoint URLs', send: 'ftp://x\r'},
        {expect: 'must start with http', send: '\u0015http://127.0.0.1:8000\r'},
        {expect: 'Rulesets for llmsec audit', send: `${down}${down}${down} \r`},
        {expect: 'Signing public key', send: `${key}\r`},
        {expect: 'Egress allowlist', send: 'huggingface.co\r'},
        {expect: 'expected host:port', send: '\u0015huggingface.co:443, 10.0.0.5:8443\r'},
      ],
      ['--root', root, '--output', 'interactive.yaml'],
    )
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0)
    const {config} = await loadConfig(join(cwd, 'interactive.yaml'))
    expect(config).toEqual({
      models: {paths: ['/srv/models', '/data/llm']},
      endpoints: [{url: 'http://127.0.0.1:8000'}],
      rulesets: ['baseline', 'hipaa'],
      signing: {publicKey: key},
      egress: {allow: ['huggingface.co:443', '10.0.0.5:8443']},
    })
  })

  it.skipIf(noPty)('asks before overwriting and keeps the file when told no', async () => {
    const file = join(cwd, 'keep.yaml')
    await writeFile(file, 'rulesets: [sox]\n')
    const run = await drive([{expect: 'Overwrite it?', send: 'n\r'}], ['--root', root, '--output', 'keep.yaml'])
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.stdout).toContain(`kept ${file} unchanged`)
    expect(await readFile(file, 'utf8')).toBe('rulesets: [sox]\n')
  })
})
