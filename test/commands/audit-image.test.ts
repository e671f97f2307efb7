import {chown, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult} from '../../src/audit/index.js'
import {rulesOf} from '../helpers/audit-results.js'
import {runCliJson, unprivilegedPrefix} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {dockerArchive, ociArchive, tarOf, type TarMember} from '../helpers/image-archive.js'
import {PICKLE_BYTES, safetensorsBytes} from '../helpers/rootfs.js'
import {openToOthers} from '../helpers/unprivileged.js'

const BASE: TarMember[] = [
  {path: 'etc/', type: 'Directory'},
  {path: 'etc/os-release', data: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'},
  {path: 'etc/passwd', data: 'root:x:0:0:root:/root:/bin/bash\nvllm:x:1000:1000::/home/vllm:/bin/sh\n'},
  {path: 'etc/group', data: 'root:x:0:\nvllm:x:1000:\n'},
  {path: 'etc/shadow', data: 'root:*:19000:0:99999:7:::\nvllm:!:19000:0:99999:7:::\n', mode: 0o640, gid: 42},
  {path: 'srv/', type: 'Directory'},
  {path: 'srv/models/', type: 'Directory', mode: 0o755},
  // A pickle checkpoint a later layer deletes: the audit must not see it.
  {path: 'srv/models/old-checkpoint.pt', data: PICKLE_BYTES},
]
const TOP: TarMember[] = [
  {path: 'srv/models/.wh.old-checkpoint.pt'},
  {path: 'srv/models/model.safetensors', data: safetensorsBytes(), mode: 0o666, uid: 0, gid: 0},
]

const prefix = unprivilegedPrefix()

describe.skipIf(skipReason(prefix === null, 'audit --image as an unprivileged user: cannot drop privileges here'))(
  'llmsec audit --image on a docker save archive, as an unprivileged user',
  () => {
    let dir: string
    let image: string
    let scratch: string
    let digest: string
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'llmsec-image-'))
      scratch = await mkdtemp(join(tmpdir(), 'llmsec-image-tmp-'))
      await openToOthers(dir)
      const archive = dockerArchive({layers: [tarOf(BASE), tarOf(TOP)], tags: ['example/vllm:0.6']})
      digest = archive.configDigest
      image = join(dir, 'vllm.tar')
      await writeFile(image, archive.tar, {mode: 0o644})
      // The only directory the unprivileged run may write (its TMPDIR): it must stay empty.
      if (process.getuid?.() === 0) await chown(scratch, 65534, 65534)
    })
    afterAll(async () => {
      await rm(dir, {recursive: true, force: true})
      await rm(scratch, {recursive: true, force: true})
    })

    it('reports the world-writable model, does not see the whited-out file, names the image, writes nothing', async () => {
      const run = await runCliJson<AuditResult>(['audit', '--image', image, '--ruleset', 'baseline'], {
        unprivileged: true,
        cwd: '/',
        env: {TMPDIR: scratch},
      })
      const rules = rulesOf(run.json, 'baseline')
      // Every baseline rule is evaluated (no exit 4): the world-writable model fails it.
      expect(run.exitCode, run.stderr).toBe(1)
      expect([...rules].filter(([, r]) => r.status === 'error')).toEqual([])
      // The model files are scanned from the image's layers in place: not an error.
      expect(rules.get('models-scan-clean')).toMatchObject({status: 'pass'})
      const writable = rules.get('models-not-world-writable')
      expect(writable?.status).toBe('fail')
      expect(writable?.evidence.join('\n')).toContain('/srv/models/model.safetensors mode 0666 is world-writable')
      expect(JSON.stringify(run.json)).not.toContain('old-checkpoint.pt')
      expect(rules.get('no-pickle-models')?.status).not.toBe('fail')
      expect(run.json.host).toBe(`example/vllm:0.6 (${digest})`)
      expect(run.json.image).toMatchObject({
        file: image,
        format: 'docker-archive',
        tags: ['example/vllm:0.6'],
        configDigest: digest,
      })
      expect(run.json.root).toBeNull()
      expect(await readdir(scratch)).toEqual([])
      expect((await readdir(dir)).sort()).toEqual(['vllm.tar'])
    })
  },
)

describe('llmsec audit --image formats and refusals', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-image-'))
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  it('reads an OCI layout tar with a gzip layer the same as the docker archive', async () => {
    const {gzipSync} = await import('node:zlib')
    const oci = ociArchive({
      layers: [gzipSync(tarOf(BASE)), tarOf(TOP)],
      tags: ['example/vllm:0.6'],
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    })
    const file = join(dir, 'oci.tar')
    await writeFile(file, oci.tar)
    const run = await runCliJson<AuditResult>(['audit', '--image', file, '--rule', 'models-not-world-writable'])
    expect(run.exitCode, run.stderr).toBe(1)
    expect(run.json.image?.format).toBe('oci-layout')
    expect(run.json.host).toBe(`example/vllm:0.6 (${oci.configDigest})`)
    expect(rulesOf(run.json).get('models-not-world-writable')?.evidence.join('\n')).toContain(
      'model.safetensors mode 0666',
    )
  })

  it('reads the image config as its service: a vLLM entrypoint on 0.0.0.0 with --trust-remote-code, as root', async () => {
    const vllm = dockerArchive({
      layers: [tarOf(BASE)],
      tags: ['vllm/vllm-openai:v0.6.3'],
      config: {
        Entrypoint: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
        Cmd: ['--host', '0.0.0.0', '--trust-remote-code'],
        Env: ['VLLM_NO_USAGE_STATS=1'],
        ExposedPorts: {'8000/tcp': {}},
      },
    })
    const file = join(dir, 'vllm-config.tar')
    await writeFile(file, vllm.tar)
    const run = await runCliJson<AuditResult>(['audit', '--image', file, '--ruleset', 'baseline'])
    const rules = rulesOf(run.json, 'baseline')
    for (const id of ['inference-bind-loopback', 'inference-not-root', 'no-trust-remote-code'])
      expect(rules.get(id)?.status, `${id}: ${JSON.stringify(rules.get(id))}`).toBe('fail')
    expect(rules.get('inference-bind-loopback')?.evidence.join('\n')).toContain('vllm (image config) binds 0.0.0.0')
    // The same image with a User and a loopback bind passes those rules.
    const safe = dockerArchive({
      layers: [tarOf(BASE)],
      tags: ['vllm/vllm-openai:v0.6.3'],
      config: {Entrypoint: ['vllm', 'serve', 'm'], Cmd: ['--host', '127.0.0.1'], User: 'vllm:vllm'},
    })
    await writeFile(file, safe.tar)
    const passed = rulesOf((await runCliJson<AuditResult>(['audit', '--image', file, '--ruleset', 'baseline'])).json)
    for (const id of ['inference-bind-loopback', 'inference-not-root', 'no-trust-remote-code'])
      expect(passed.get(id)?.status, `${id}: ${JSON.stringify(passed.get(id))}`).toBe('pass')
  })

  it('refuses a compressed archive, a zstd layer and --root with --image (exit 2, one line)', async () => {
    const {gzipSync} = await import('node:zlib')
    const gz = join(dir, 'img.tar.gz')
    await writeFile(gz, gzipSync(dockerArchive({layers: [tarOf(BASE)]}).tar))
    const compressed = await runCliJson(['audit', '--image', gz])
    expect(compressed.exitCode).toBe(2)
    expect(compressed.stderr + compressed.stdout).toContain('IMAGE_UNSUPPORTED')
    const zstdLayer = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(64)])
    const zst = join(dir, 'zstd.tar')
    await writeFile(zst, ociArchive({layers: [zstdLayer]}).tar)
    const zstd = await runCliJson(['audit', '--image', zst])
    expect(zstd.exitCode).toBe(2)
    expect(zstd.stdout).toContain('zstd')
    const both = await runCliJson(['audit', '--image', zst, '--root', dir])
    expect(both.exitCode).toBe(2)
  })
})
