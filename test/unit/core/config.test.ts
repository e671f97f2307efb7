import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {configSearchPaths, loadConfig} from '../../../src/core/config.js'
import {writeFileAtomic} from '../../../src/core/fs.js'

const dir = mkdtempSync(join(tmpdir(), 'llmsec-config-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('loadConfig', () => {
  it('loads a valid file', async () => {
    const file = join(dir, 'ok.yaml')
    writeFileSync(file, 'models:\n  paths: [/srv/models]\negress:\n  allow: ["127.0.0.1:8000"]\n')
    expect(await loadConfig(file)).toEqual({
      file,
      source: 'flag',
      config: {models: {paths: ['/srv/models']}, egress: {allow: ['127.0.0.1:8000']}},
    })
  })

  it("accepts docs/config.md's example, waivers settings included", async () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'config.md'), 'utf8')
    const example = /```yaml\n(models:[\s\S]*?)```/.exec(doc)?.[1]
    expect(example).toBeDefined()
    const file = join(dir, 'doc-example.yaml')
    writeFileSync(file, example!)
    expect((await loadConfig(file)).config.waivers).toEqual({
      file: 'team-waivers.yaml',
      autoload: false,
      allowCritical: false,
      maxDays: 180,
    })
    writeFileSync(file, 'waivers: {maxDays: 400}\n')
    await expect(loadConfig(file)).rejects.toThrow(/doc-example\.yaml:1:\d+: waivers\.maxDays: must be <= 365/)
  })

  it('treats an empty file as an empty configuration', async () => {
    const file = join(dir, 'empty.yaml')
    writeFileSync(file, '')
    expect((await loadConfig(file)).config).toEqual({})
  })

  it('names file, line and key of an unknown key', async () => {
    const file = join(dir, 'typo.yaml')
    writeFileSync(file, 'models:\n  paths: []\negres:\n  allow: []\n')
    await expect(loadConfig(file)).rejects.toThrow(`${file}:3:1: egres: unknown key`)
  })

  it('names the key of a wrong value', async () => {
    const file = join(dir, 'port.yaml')
    writeFileSync(file, 'inferencePorts:\n  - port: 70000\n    service: x\n')
    await expect(loadConfig(file)).rejects.toThrow(`${file}:2:11: inferencePorts.0.port: must be <= 65535`)
  })

  it('says when an explicit file does not exist', async () => {
    await expect(loadConfig(join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml does not exist/)
  })
})

describe('the configuration search order', () => {
  /** A fresh working directory, home, XDG_CONFIG_HOME and system directory, each empty. */
  function places() {
    const base = mkdtempSync(join(dir, 'search-'))
    const at = (...parts: string[]) => join(base, ...parts)
    for (const d of ['cwd', 'home', 'xdg', 'etc']) mkdirSync(at(d))
    const options = {cwd: at('cwd'), home: at('home'), env: {XDG_CONFIG_HOME: at('xdg'), LLMSEC_SYSCONFDIR: at('etc')}}
    const put = (file: string, ruleset: string) => {
      mkdirSync(join(file, '..'), {recursive: true})
      writeFileSync(file, `rulesets: [${ruleset}]\n`)
    }
    return {at, options, put}
  }

  it('is ./llmsec.yaml, then $XDG_CONFIG_HOME/llmsec/config.yaml, then /etc/llmsec/config.yaml', () => {
    expect(configSearchPaths({cwd: '/w', home: '/h', env: {XDG_CONFIG_HOME: '/x'}})).toEqual([
      {location: 'project', file: '/w/llmsec.yaml'},
      {location: 'user', file: '/x/llmsec/config.yaml'},
      {location: 'system', file: '/etc/llmsec/config.yaml'},
    ])
  })

  it.each([
    ['unset', {}],
    ['empty', {XDG_CONFIG_HOME: ''}],
    ['relative', {XDG_CONFIG_HOME: 'conf'}],
  ])('uses ~/.config when XDG_CONFIG_HOME is %s', (_, env) => {
    expect(configSearchPaths({cwd: '/w', home: '/h', env})[1].file).toBe('/h/.config/llmsec/config.yaml')
  })

  it('moves the system directory only to an absolute LLMSEC_SYSCONFDIR', () => {
    expect(configSearchPaths({env: {LLMSEC_SYSCONFDIR: '/img/etc'}})[2].file).toBe('/img/etc/llmsec/config.yaml')
    expect(configSearchPaths({env: {LLMSEC_SYSCONFDIR: 'etc'}})[2].file).toBe('/etc/llmsec/config.yaml')
  })

  it('takes the first file that exists, and --config over all of them', async () => {
    const {at, options, put} = places()
    expect(await loadConfig(undefined, options)).toEqual({config: {}, file: null, source: 'none'})
    put(at('etc', 'llmsec', 'config.yaml'), 'sox')
    expect(await loadConfig(undefined, options)).toMatchObject({config: {rulesets: ['sox']}, source: 'system'})
    put(at('xdg', 'llmsec', 'config.yaml'), 'gdpr')
    put(at('home', '.config', 'llmsec', 'config.yaml'), 'pci-dss')
    expect(await loadConfig(undefined, options)).toMatchObject({
      config: {rulesets: ['gdpr']},
      source: 'user',
      file: at('xdg', 'llmsec', 'config.yaml'),
    })
    put(at('cwd', 'llmsec.yaml'), 'hipaa')
    expect(await loadConfig(undefined, options)).toMatchObject({config: {rulesets: ['hipaa']}, source: 'project'})
    put(at('other.yaml'), 'fedramp-moderate')
    expect(await loadConfig(at('other.yaml'), options)).toMatchObject({
      config: {rulesets: ['fedramp-moderate']},
      source: 'flag',
    })
  })

  it('reads ~/.config when XDG_CONFIG_HOME is not set', async () => {
    const {at, options, put} = places()
    put(at('home', '.config', 'llmsec', 'config.yaml'), 'pci-dss')
    const withoutXdg = {...options, env: {LLMSEC_SYSCONFDIR: options.env.LLMSEC_SYSCONFDIR}}
    expect(await loadConfig(undefined, withoutXdg)).toMatchObject({config: {rulesets: ['pci-dss']}, source: 'user'})
    expect(await loadConfig(undefined, options)).toMatchObject({source: 'none'})
  })

  it('stops at a file it cannot look at instead of skipping to the next one', async () => {
    const {at, options, put} = places()
    put(at('etc', 'llmsec', 'config.yaml'), 'sox')
    symlinkSync('llmsec.yaml', at('cwd', 'llmsec.yaml'))
    await expect(loadConfig(undefined, options)).rejects.toThrow(at('cwd', 'llmsec.yaml'))
  })

  it('fails on an invalid file rather than falling back to a later one', async () => {
    const {at, options, put} = places()
    put(at('etc', 'llmsec', 'config.yaml'), 'sox')
    mkdirSync(at('xdg', 'llmsec'))
    writeFileSync(at('xdg', 'llmsec', 'config.yaml'), 'rulesetz: [x]\n')
    await expect(loadConfig(undefined, options)).rejects.toThrow(/rulesetz: unknown key/)
  })
})

describe('writeFileAtomic', () => {
  it('writes with the requested mode and leaves no temp file', async () => {
    const file = join(dir, 'key.pem')
    await writeFileAtomic(file, 'secret', {mode: 0o600})
    expect(readFileSync(file, 'utf8')).toBe('secret')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('refuses to replace a file when exclusive', async () => {
    const file = join(dir, 'exists.txt')
    writeFileSync(file, 'old')
    await expect(writeFileAtomic(file, 'new', {exclusive: true})).rejects.toThrow()
    expect(readFileSync(file, 'utf8')).toBe('old')
  })
})
