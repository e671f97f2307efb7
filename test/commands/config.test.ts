import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {EgressReport} from '../../src/network/index.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {expectSchema} from '../helpers/schema.js'

interface ConfigJson {
  config: Record<string, unknown>
  file: string | null
  source: string
  searched: {location: string; file: string; exists: boolean}[]
}

/** A temporary working directory, home, XDG_CONFIG_HOME and system configuration directory. */
async function makePlaces() {
  const base = await mkdtemp(join(tmpdir(), 'llmsec-places-'))
  const at = (...parts: string[]) => join(base, ...parts)
  for (const dir of ['cwd', 'home', 'xdg', 'etc']) await mkdir(at(dir))
  const files = {
    project: at('cwd', 'llmsec.yaml'),
    user: at('xdg', 'llmsec', 'config.yaml'),
    home: at('home', '.config', 'llmsec', 'config.yaml'),
    system: at('etc', 'llmsec', 'config.yaml'),
  }
  const env = {HOME: at('home'), XDG_CONFIG_HOME: at('xdg'), LLMSEC_SYSCONFDIR: at('etc')}
  const put = async (file: string, yaml: string) => {
    await mkdir(join(file, '..'), {recursive: true})
    await writeFile(file, yaml)
  }
  return {base, at, files, env, put, cwd: at('cwd')}
}

describe('llmsec config and the search order', () => {
  let places: Awaited<ReturnType<typeof makePlaces>>
  let closedPort: number
  let listener: Server
  beforeAll(async () => {
    places = await makePlaces()
    // One port that answers (allowed by the user config) and one that is closed.
    listener = createServer((socket) => socket.destroy())
    await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done))
    const probe = createServer()
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done))
    closedPort = (probe.address() as {port: number}).port
    await new Promise((done) => probe.close(done))
  })
  afterAll(async () => {
    await new Promise((done) => listener.close(done))
    await rm(places.base, {recursive: true, force: true})
  })

  const config = (args: string[] = [], env: Record<string, string> = places.env) =>
    runCliJson<ConfigJson>(['config', ...args], {cwd: places.cwd, env})

  it('reports built-in defaults when no file exists, and lists where it looked', async () => {
    const run = await config()
    expect(run.exitCode, run.stderr).toBe(0)
    expectSchema('config', run.json)
    expect(run.json).toEqual({
      config: {},
      file: null,
      source: 'none',
      searched: [
        {location: 'project', file: places.files.project, exists: false},
        {location: 'user', file: places.files.user, exists: false},
        {location: 'system', file: places.files.system, exists: false},
      ],
    })
    const path = await runCli(['config', '--path'], {cwd: places.cwd, env: places.env})
    expect([path.exitCode, path.stdout]).toEqual([0, ''])
  })

  it('honours XDG_CONFIG_HOME before /etc/llmsec/config.yaml, and ./llmsec.yaml before both', async () => {
    const {files, put} = places
    await put(files.system, 'rulesets: [sox]\n')
    expect((await config()).json).toMatchObject({source: 'system', file: files.system, config: {rulesets: ['sox']}})

    // ~/.config is not where the user file is when XDG_CONFIG_HOME names another directory.
    await put(files.home, 'rulesets: [pci-dss]\n')
    expect((await config()).json).toMatchObject({source: 'system'})
    const {XDG_CONFIG_HOME: _, ...withoutXdg} = places.env
    expect((await config([], withoutXdg)).json).toMatchObject({source: 'user', file: files.home})

    const allow = `127.0.0.1:${(listener.address() as {port: number}).port}`
    await put(
      files.user,
      `rulesets: [gdpr]\negress:\n  targets: ["${allow}", "127.0.0.1:${closedPort}"]\n  allow: ["${allow}"]\n`,
    )
    const run = await config()
    expect(run.json).toMatchObject({source: 'user', file: files.user, config: {rulesets: ['gdpr']}})
    expect(run.json.searched.map((s) => s.exists)).toEqual([false, true, true])

    // A real command reads the same file: egress probes the targets of the user configuration.
    const egress = await runCliJson<EgressReport>(['egress', '--timeout', '2s'], {cwd: places.cwd, env: places.env})
    expect(egress.exitCode, egress.stderr).toBe(0)
    expect(egress.json.targets.map((t) => [t.target, t.reachable, t.allowed])).toEqual([
      [allow, true, true],
      [`127.0.0.1:${closedPort}`, false, false],
    ])

    await put(files.project, 'rulesets: [hipaa]\n')
    const human = await runCli(['config'], {cwd: places.cwd, env: places.env})
    expect(human.exitCode, human.stderr).toBe(0)
    expect(human.stdout).toContain(`# ${files.project} (project)`)
    expect(human.stdout).toContain(`${files.user} (shadowed)`)
    expect(human.stdout).toContain('rulesets:\n  - hipaa')
    const path = await runCli(['config', '--path'], {cwd: places.cwd, env: places.env})
    expect(path.stdout).toBe(files.project)
  })

  it('takes --config over the whole search order', async () => {
    const other = places.at('other.yaml')
    await places.put(other, 'rulesets: [fedramp-moderate]\n')
    const run = await config(['--config', other])
    expectSchema('config', run.json)
    expect(run.json).toMatchObject({source: 'flag', file: other, config: {rulesets: ['fedramp-moderate']}})
    const missing = await config(['--config', places.at('missing.yaml')])
    expect(missing.exitCode).toBe(2)
    expect(missing.json).toMatchObject({error: {message: expect.stringContaining('missing.yaml does not exist')}})
  })

  it('fails with the file named when the first file found is invalid', async () => {
    await places.put(places.files.project, 'rulesetz: [hipaa]\n')
    const run = await runCli(['config'], {cwd: places.cwd, env: places.env})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain(`${places.files.project}:1:1: rulesetz: unknown key`)
  })
})
