import {chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {InventoryResult} from '../../src/hardware/index.js'
import {hasShared, repoRoot, runCli, runCliJson, sharedDir} from '../helpers/cli.js'
import {hasTool, skipReason} from '../helpers/env.js'
import {buildRoot, removeRoot, safetensorsBytes} from '../helpers/rootfs.js'
import {assertValid, loadDocSchema} from '../helpers/schema.js'

const validate = loadDocSchema('inventory')
let work: string

/** Puts a fake `nvidia-smi` first on PATH: it prints a file, or fails as told. */
function fakeNvidiaSmi(name: string, body: string): string {
  const bin = join(work, name)
  rmSync(bin, {recursive: true, force: true})
  const dir = mkdtempSync(join(work, `${name}-`))
  const script = join(dir, 'nvidia-smi')
  writeFileSync(script, `#!/bin/sh\n${body}\n`)
  chmodSync(script, 0o755)
  return dir
}

const pathWith = (dir: string) => `${dir}:/usr/sbin:/usr/bin:/sbin:/bin`
const inventory = (args: string[], env: Record<string, string> = {}) =>
  runCliJson<InventoryResult>(['inventory', ...args], {env: {HOME: work, ...env}, cwd: work})

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'llmsec-inventory-'))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

describe('llmsec inventory', () => {
  it.skipIf(!hasShared)('reports the A100 of a real nvidia-smi capture through a fake nvidia-smi on PATH', async () => {
    const sample = join(sharedDir, 'samples', 'nvidia-smi', 'telegraf-a100-sxm4-v12.xml')
    const dir = fakeNvidiaSmi('a100', `[ "$1" = "-q" ] && [ "$2" = "-x" ] || exit 9\ncat '${sample}'`)
    const {exitCode, json} = await inventory(['--skip-models'], {PATH: pathWith(dir)})
    expect(exitCode).toBe(0)
    assertValid(validate, json)
    const nvidia = json.gpus.gpus.filter((g) => g.source === 'nvidia-smi')
    expect(nvidia).toHaveLength(1)
    expect(nvidia[0]).toMatchObject({
      vendor: 'nvidia',
      name: 'NVIDIA A100-SXM4-80GB',
      driverVersion: '535.54.03',
      cudaVersion: '12.2',
      migEnabled: true,
      persistenceMode: false,
    })
    expect(nvidia[0].migDevices).toHaveLength(4)
    expect(json.gpus.sources.find((s) => s.tool === 'nvidia-smi')?.status).toBe('ok')
  })

  it('reads a project fixture through a fake nvidia-smi (runs without ../shared)', async () => {
    const fixture = join(repoRoot, 'fixtures', 'nvidia-smi', 'driver-510-v11.xml')
    const dir = fakeNvidiaSmi('v100', `cat '${fixture}'`)
    const {exitCode, json} = await inventory(['--skip-models'], {PATH: pathWith(dir)})
    expect(exitCode).toBe(0)
    expect(json.gpus.gpus.map((g) => g.name)).toEqual(['Tesla V100-PCIE-32GB', 'Tesla V100-PCIE-32GB'])
  })

  it.skipIf(
    skipReason(hasTool('nvidia-smi'), 'a real nvidia-smi is installed: the "no tooling" case cannot be staged'),
  )('exits 0 and says no NVIDIA tooling was found without nvidia-smi', async () => {
    const empty = mkdtempSync(join(work, 'empty-'))
    const json = await inventory(['--skip-models'], {PATH: pathWith(empty)})
    expect(json.exitCode).toBe(0)
    expect(json.json.gpus.sources.find((s) => s.tool === 'nvidia-smi')).toMatchObject({status: 'missing'})
    const human = await runCli(['inventory', '--skip-models'], {env: {HOME: work, PATH: pathWith(empty)}, cwd: work})
    expect(human.exitCode).toBe(0)
    expect(human.stdout).toContain('no NVIDIA tooling found')
  })

  it('records malformed XML in the GPU section and still exits 0', async () => {
    const fixture = join(repoRoot, 'fixtures', 'nvidia-smi', 'malformed.xml')
    const dir = fakeNvidiaSmi('bad-xml', `cat '${fixture}'`)
    const {exitCode, json} = await inventory(['--skip-models'], {PATH: pathWith(dir)})
    expect(exitCode).toBe(0)
    assertValid(validate, json)
    const source = json.gpus.sources.find((s) => s.tool === 'nvidia-smi')
    expect(source?.status).toBe('error')
    expect(source?.message).toMatch(/malformed XML/)
  })

  it('records a failing nvidia-smi and still exits 0', async () => {
    const dir = fakeNvidiaSmi(
      'fails',
      'echo "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver." >&2\nexit 9',
    )
    const {exitCode, json} = await inventory(['--skip-models'], {PATH: pathWith(dir)})
    expect(exitCode).toBe(0)
    const source = json.gpus.sources.find((s) => s.tool === 'nvidia-smi')
    expect(source).toMatchObject({status: 'error'})
    expect(source?.message).toMatch(/exited with code 9: NVIDIA-SMI has failed/)
  })

  it('detects model formats by content, not by extension', async () => {
    const models = mkdtempSync(join(work, 'models-'))
    const gguf = hasShared ? join(sharedDir, 'models', 'stories260K.gguf') : null
    if (gguf) copyFileSync(gguf, join(models, 'weights.bin'))
    else
      writeFileSync(
        join(models, 'weights.bin'),
        Buffer.concat([Buffer.from('GGUF\x03\x00\x00\x00', 'latin1'), Buffer.alloc(64)]),
      )
    // A protocol-4 pickle that only claims to be safetensors.
    writeFileSync(
      join(models, 'model.safetensors'),
      Buffer.from([0x80, 0x04, 0x95, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x7d, 0x94, 0x2e]),
    )
    writeFileSync(join(models, 'notes.txt'), 'not a model')
    chmodSync(join(models, 'model.safetensors'), 0o644)
    chmodSync(join(models, 'weights.bin'), 0o600)
    const {exitCode, json} = await inventory(['--models', models])
    expect(exitCode).toBe(0)
    assertValid(validate, json)
    const found = json.models!.files.filter((f) => f.path.startsWith(models))
    expect(found.map((f) => [f.path.slice(models.length + 1), f.format, f.worldReadable, f.mode])).toEqual([
      ['model.safetensors', 'pickle', true, '0644'],
      ['weights.bin', 'gguf', false, '0600'],
    ])
  })

  it('lists model files unused for --inactive-days as inactive; recently used ones are not', async () => {
    const root = await buildRoot({
      '/srv/models/old/model.safetensors': {content: safetensorsBytes(), ageDays: 120},
      '/srv/models/new/model.safetensors': {content: safetensorsBytes(), ageDays: 3},
    })
    try {
      const run = await inventory(['--root', root])
      expect(run.exitCode).toBe(0)
      assertValid(validate, run.json)
      expect(run.json.inactiveModels).toMatchObject({days: 90, paths: ['/srv/models/old/model.safetensors']})
      expect(run.json.inactiveModels?.basis).toMatch(/access times only/)
      const longer = await inventory(['--root', root, '--inactive-days', '365'])
      expect(longer.json.inactiveModels?.paths).toEqual([])
    } finally {
      await removeRoot(root)
    }
  })

  it('validates against the documented schema on this host', async () => {
    const {exitCode, json} = await runCliJson<InventoryResult>(['inventory'], {env: {HOME: work}, cwd: work})
    expect(exitCode).toBe(0)
    assertValid(validate, json)
    expect(json.host?.os.kernel).toBeTruthy()
  })

  it('exits 2 with one line for an unknown flag', async () => {
    const run = await runCli(['inventory', '--no-such-flag'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toMatch(/Nonexistent flag: --no-such-flag/)
    const json = await runCli(['inventory', '--no-such-flag', '--json'])
    expect(json.exitCode).toBe(2)
    expect(JSON.parse(json.stdout)).toMatchObject({error: {code: 'USAGE', exit: 2}})
  })

  it('exits 2 naming file, line and key for a bad config file', async () => {
    const file = join(work, 'bad.yaml')
    writeFileSync(file, 'models:\n  paths: /not/a/list\n')
    const run = await runCli(['inventory', '--config', file, '--skip-models'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr.trim()).toBe(`llmsec: ${file}:2:10: models.paths: must be array`)
  })
})
if (!hasShared) console.warn('[skip] ../shared is absent: the A100 capture test is skipped')
