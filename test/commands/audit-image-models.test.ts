import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult} from '../../src/audit/index.js'
import {rulesOf} from '../helpers/audit-results.js'
import {runCliJson} from '../helpers/cli.js'
import {dockerArchive, ociArchive, tarOf, type TarMember} from '../helpers/image-archive.js'
import {MALICIOUS_PICKLE, PICKLE_BYTES, safetensorsBytes} from '../helpers/rootfs.js'

/**
 * A protocol-3 pickle that first pushes `padding` bytes (BINBYTES, then POP) and then either
 * calls os.system("id") or pushes 1: the call lies past the head a compressed layer keeps
 * (64 KiB), so only a scan of the whole member sees it. Never loaded: the scanner only reads it.
 */
function paddedPickle(padding: number, malicious: boolean): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32LE(padding)
  const tail = malicious ? MALICIOUS_PICKLE.subarray(2) : Buffer.from([0x4b, 0x01, 0x2e])
  return Buffer.concat([Buffer.from([0x80, 0x03, 0x42]), length, Buffer.alloc(padding), Buffer.from('0'), tail])
}

const base = (model: TarMember): TarMember[] => [
  {path: 'etc/', type: 'Directory'},
  {path: 'etc/os-release', data: 'ID=debian\nVERSION_ID="12"\n'},
  {path: 'srv/', type: 'Directory'},
  {path: 'srv/models/', type: 'Directory'},
  {path: 'srv/models/model.safetensors', data: safetensorsBytes()},
  model,
]

const scanRule = (json: AuditResult) => rulesOf(json).get('models-scan-clean')

describe('llmsec audit --image scans the model files inside the image, in place', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-image-models-'))
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  const audit = async (name: string, tar: Buffer) => {
    const file = join(dir, name)
    await writeFile(file, tar)
    return runCliJson<AuditResult>(['audit', '--image', file, '--rule', 'models-scan-clean'])
  }

  it('a docker archive with a malicious pickle fails the rule; its benign twin passes (no exit 4)', async () => {
    const bad = await audit(
      'bad.tar',
      dockerArchive({layers: [tarOf(base({path: 'srv/models/model.pt', data: MALICIOUS_PICKLE}))]}).tar,
    )
    expect(bad.exitCode, bad.stderr).toBe(1)
    expect(scanRule(bad.json)?.status).toBe('fail')
    expect(scanRule(bad.json)?.evidence.join('\n')).toMatch(/\/srv\/models\/model\.pt: unsafe.*os\.system/)
    const good = await audit(
      'good.tar',
      dockerArchive({layers: [tarOf(base({path: 'srv/models/model.pt', data: PICKLE_BYTES}))]}).tar,
    )
    expect(good.exitCode, good.stderr).toBe(0)
    expect(scanRule(good.json)).toMatchObject({status: 'pass'})
    expect(scanRule(good.json)?.evidence.join('\n')).toContain('2 model files scanned, all clean')
  })

  it('reads a large member of a gzip layer whole: a call past the kept head fails, its twin passes', async () => {
    const oci = (malicious: boolean) =>
      ociArchive({
        layers: [gzipSync(tarOf(base({path: 'srv/models/big.pt', data: paddedPickle(400_000, malicious)})))],
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      }).tar
    const bad = await audit('big-bad.tar', oci(true))
    expect(bad.exitCode, bad.stderr).toBe(1)
    expect(scanRule(bad.json)?.evidence.join('\n')).toMatch(/big\.pt: unsafe.*os\.system/)
    const good = await audit('big-good.tar', oci(false))
    expect(good.exitCode, good.stderr).toBe(0)
    expect(scanRule(good.json)?.status).toBe('pass')
  })

  it('a whited-out malicious pickle is not scanned; one hidden by an opaque directory neither', async () => {
    const lower = tarOf([...base({path: 'srv/models/evil.pt', data: MALICIOUS_PICKLE})])
    const whiteout = tarOf([{path: 'srv/models/.wh.evil.pt'}])
    const run = await audit('whiteout.tar', dockerArchive({layers: [lower, whiteout]}).tar)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(JSON.stringify(run.json)).not.toContain('evil.pt')
    const opaque = tarOf([
      {path: 'srv/models/', type: 'Directory'},
      {path: 'srv/models/.wh..wh..opq'},
      {path: 'srv/models/model.safetensors', data: safetensorsBytes()},
    ])
    const hidden = await audit('opaque.tar', dockerArchive({layers: [lower, opaque]}).tar)
    expect(hidden.exitCode, hidden.stderr).toBe(0)
    expect(scanRule(hidden.json)?.evidence.join('\n')).toContain('1 model files scanned, all clean')
  })
})
