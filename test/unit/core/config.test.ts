import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {loadConfig} from '../../../src/core/config.js'
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
