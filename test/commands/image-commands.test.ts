import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {InventoryResult} from '../../src/hardware/index.js'
import type {ScanResult} from '../../src/scan/index.js'
import type {VulnReport} from '../../src/vulns/index.js'
import {runCliJson} from '../helpers/cli.js'
import {dockerArchive, membersOf, ociArchive, tarOf, type TarMember} from '../helpers/image-archive.js'
import {buildRoot, MALICIOUS_PICKLE, PICKLE_BYTES, removeRoot, safetensorsBytes} from '../helpers/rootfs.js'
import {schemaErrors} from '../helpers/validate-json.js'
import {vulnRootSpec} from '../helpers/vuln-root.js'

type Named = {image?: {name: string; file: string; format: string}}

const models = (pickle: Uint8Array): TarMember[] => [
  {path: 'etc/', type: 'Directory'},
  {
    path: 'etc/os-release',
    data: 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
  },
  {path: 'srv/', type: 'Directory'},
  {path: 'srv/models/', type: 'Directory'},
  {path: 'srv/models/model.safetensors', data: safetensorsBytes()},
  {path: 'srv/models/model.pt', data: pickle},
]
// Each test's output must not leak the virtual root's internal name (it holds a NUL byte).
const noInternalName = (stdout: string) => expect(stdout).not.toMatch(/virtual-root|\\u0000/)

describe('scan, vulns and inventory --image read an image in place', () => {
  let dir: string
  let bad: string
  let good: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-image-cmds-'))
    bad = join(dir, 'bad.tar')
    good = join(dir, 'good.tar')
    await writeFile(bad, dockerArchive({layers: [tarOf(models(MALICIOUS_PICKLE))], tags: ['example/m:1']}).tar)
    // The benign twin as an OCI layout with a gzip layer: the other reader path.
    const oci = ociArchive({
      layers: [gzipSync(tarOf(models(PICKLE_BYTES)))],
      tags: ['example/m:2'],
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    })
    await writeFile(good, oci.tar)
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  it('scan --image: a malicious pickle inside the image is unsafe (exit 1), its twin clean (exit 0)', async () => {
    const unsafe = await runCliJson<ScanResult & Named>(['scan', '--image', bad, '/srv/models'])
    expect(unsafe.exitCode, unsafe.stderr).toBe(1)
    expect(schemaErrors('scan', unsafe.json)).toBeNull()
    const byPath = new Map(unsafe.json.files.map((f) => [f.path, f]))
    expect(byPath.get('/srv/models/model.pt')?.verdict).toBe('unsafe')
    expect(byPath.get('/srv/models/model.safetensors')?.verdict).toBe('clean')
    expect(unsafe.json.image).toMatchObject({
      file: bad,
      format: 'docker-archive',
      name: expect.stringContaining('example/m:1'),
    })
    noInternalName(unsafe.stdout)
    // No path: the whole image is walked.
    const whole = await runCliJson<ScanResult>(['scan', '--image', good])
    expect(whole.exitCode, whole.stderr).toBe(0)
    expect(whole.json.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['/etc/os-release', '/srv/models/model.pt', '/srv/models/model.safetensors']),
    )
    expect(whole.json.files.find((f) => f.path === '/srv/models/model.pt')?.verdict).toBe('clean')
  })

  it('refuses a file that is not an image, a path the image lacks, and --image without a file (exit 2)', async () => {
    const notImage = join(dir, 'model.safetensors')
    await writeFile(notImage, safetensorsBytes())
    for (const command of [['scan'], ['vulns'], ['inventory'], ['audit']]) {
      const run = await runCliJson([...command, '--image', notImage])
      expect(run.exitCode, `${command[0]}: ${run.stderr}`).toBe(2)
      expect(run.stdout + run.stderr, command[0]).toContain('is not a tar archive')
    }
    const absent = await runCliJson(['scan', '--image', bad, '/no/such/dir'])
    expect(absent.exitCode).toBe(2)
    expect(absent.stdout + absent.stderr).toContain('/no/such/dir is not in')
    const missing = await runCliJson(['vulns', '--image', join(dir, 'missing.tar')])
    expect(missing.exitCode).toBe(2)
  })

  it('inventory --image lists the model files inside the image and names it', async () => {
    const run = await runCliJson<InventoryResult & Named>(['inventory', '--image', bad, '--models', '/srv/models'])
    expect(run.exitCode, run.stderr).toBe(0)
    expect(schemaErrors('inventory', run.json)).toBeNull()
    expect(run.json.root).toBeNull()
    expect(run.json.image).toMatchObject({format: 'docker-archive', name: expect.stringContaining('example/m:1')})
    expect(run.json.models?.files.map((f) => f.path).sort()).toEqual([
      '/srv/models/model.pt',
      '/srv/models/model.safetensors',
    ])
    expect(run.json.host?.os?.distro).toBe('Debian GNU/Linux')
    expect(run.json.skipped.map((s) => s.reason).join('\n')).toContain('--image example/m:1 (sha256:')
    noInternalName(run.stdout)
  })
})

describe('vulns --image agrees with vulns --root on the same files', () => {
  let root: string
  let dir: string
  beforeAll(async () => {
    root = await buildRoot(vulnRootSpec())
    dir = await mkdtemp(join(tmpdir(), 'llmsec-image-vulns-'))
  })
  afterAll(async () => {
    await removeRoot(root)
    await rm(dir, {recursive: true, force: true})
  })

  it('finds the same vulnerable packages and names the image', async () => {
    const members = await membersOf(root)
    const half = Math.floor(members.length / 2)
    const image = join(dir, 'vuln.tar')
    await writeFile(
      image,
      dockerArchive({layers: [tarOf(members.slice(0, half)), tarOf(members.slice(half))], tags: ['example/v:1']}).tar,
    )
    const viaImage = await runCliJson<VulnReport>(['vulns', '--image', image])
    const viaRoot = await runCliJson<VulnReport>(['vulns', '--root', root])
    expect(viaImage.exitCode, viaImage.stderr).toBe(viaRoot.exitCode)
    expect(viaRoot.json.findings.length).toBeGreaterThan(0)
    expect(schemaErrors('vulns', viaImage.json)).toBeNull()
    const ids = (r: VulnReport) => r.findings.map((f) => `${f.package} ${f.installed} ${f.location}`).sort()
    expect(ids(viaImage.json)).toEqual(ids(viaRoot.json))
    expect(viaImage.json.root).toBe('/')
    expect(viaImage.json.image).toMatchObject({file: image, tags: ['example/v:1']})
    noInternalName(viaImage.stdout)
  })
})
