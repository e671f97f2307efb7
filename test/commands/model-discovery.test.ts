import {existsSync, readFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditReport} from '../../src/audit/reports/index.js'
import type {InventoryResult} from '../../src/hardware/index.js'
import {runCliJson} from '../helpers/cli.js'
import {buildGguf} from '../helpers/model-builders.js'
import {hasStoriesModel, storiesModel} from '../helpers/models.js'
import {PickleBuilder} from '../helpers/pickle-builder.js'
import {buildRoot, removeRoot} from '../helpers/rootfs.js'
import {assertValid, loadDocSchema} from '../helpers/schema.js'

const PYTHON = '/usr/bin/python3'

/** A pickle as Python writes it (a state dict-like mapping); the test builder when python3 is absent. */
async function realPickle(): Promise<Uint8Array> {
  if (!existsSync(PYTHON)) return new PickleBuilder().proto(2).emptyTuple().stop().bytes()
  const script = 'import pickle,sys; sys.stdout.buffer.write(pickle.dumps({"layer.weight": [0.5, 1.5]}, protocol=4))'
  const {stdout} = await execa(PYTHON, ['-c', script], {encoding: 'buffer'})
  return stdout
}

describe('one model finder for inventory, audit and init', () => {
  let root: string
  let cwd: string
  beforeAll(async () => {
    // A GGUF named weights.dat and a pickle named model.safetensors: only content can tell what they are.
    const gguf = hasStoriesModel ? readFileSync(storiesModel) : buildGguf({})
    root = await buildRoot({
      '/etc/hostname': 'image-host\n',
      '/etc/os-release': 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n',
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\n',
      '/srv/models/weights.dat': gguf,
      '/srv/models/model.safetensors': await realPickle(),
      '/srv/models/README.md': '# not a model\n',
    })
    cwd = await mkdtemp(join(tmpdir(), 'llmsec-finder-cwd-'))
  })
  afterAll(async () => {
    await removeRoot(root)
    await rm(cwd, {recursive: true, force: true})
  })

  const expected = [
    ['/srv/models/model.safetensors', 'pickle'],
    ['/srv/models/weights.dat', 'gguf'],
  ]
  const pairs = (files: {path: string; format: string}[]) => files.map((f) => [f.path, f.format])

  it('inventory --root, audit --root and init --root --yes report the same files and formats', async () => {
    const inventory = await runCliJson<InventoryResult>(['inventory', '--root', root], {cwd})
    expect(inventory.exitCode, inventory.stderr).toBe(0)
    assertValid(loadDocSchema('inventory'), inventory.json)
    expect(pairs(inventory.json.models!.files)).toEqual(expected)

    const audit = await runCliJson<AuditReport>(['audit', '--root', root, '--fail-on', 'none', '--allow-incomplete'], {
      cwd,
    })
    expect(audit.exitCode, audit.stderr).toBe(0)
    expect(pairs(audit.json.inventory!.models!)).toEqual(expected)

    const init = await runCliJson<{found: {modelFiles: {path: string; format: string}[]}}>(
      ['init', '--root', root, '--yes', '--file', join(cwd, 'llmsec.yaml')],
      {cwd},
    )
    expect(init.exitCode, init.stderr).toBe(0)
    assertValid(loadDocSchema('init'), init.json)
    expect(pairs(init.json.found.modelFiles)).toEqual(expected)

    const sizes = (files: {path: string; sizeBytes: number}[]) => files.map((f) => [f.path, f.sizeBytes])
    expect(sizes(audit.json.inventory!.models!)).toEqual(sizes(inventory.json.models!.files))
  })

  it('inventory --root reads host facts from the image and says the live sections were skipped', async () => {
    const {json} = await runCliJson<InventoryResult>(['inventory', '--root', root], {cwd})
    expect(json.root).toBe(root)
    expect(json.host).toMatchObject({
      hostname: 'image-host',
      os: {distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm'},
    })
    expect(json.host!.unavailable.map((u) => u.fact)).toContain('cpu')
    expect(json.skipped.map((s) => s.section)).toEqual(['gpus', 'inference'])
    expect(json.inference).toBeNull()
    expect(json.gpus.gpus).toEqual([])
  })

  it('refuses a --root that is not a directory with one line (exit 2)', async () => {
    const run = await runCliJson(['inventory', '--root', join(root, 'etc/hostname')], {cwd})
    expect(run.exitCode).toBe(2)
    expect(JSON.stringify(run.json)).toMatch(/is not a directory/)
  })
})
