import {lstat, mkdtemp, readdir, utimes, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult} from '../../src/audit/index.js'
import {buildCarelessRoot, buildHardenedRoot, hardenedConfig} from '../helpers/audit-roots.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {hasTool, isRoot, skipReason} from '../helpers/env.js'
import {dockerArchive, membersOf, tarOf, type TarMember} from '../helpers/image-archive.js'
import {PICKLE_BYTES, removeRoot} from '../helpers/rootfs.js'

/** Rules that need a real file (the signature verifier): under --image they error, never pass. */
const NEEDS_REAL_FILE = /needs a file on this machine|not a file on this machine|ENOTLOCAL/

/**
 * The root as two layers: everything a lower layer wrote that the upper one deletes (a decoy
 * pickle, a decoy secret, a directory made opaque) must be invisible, and the rest identical.
 */
function layersOf(members: TarMember[]): Buffer[] {
  const half = Math.floor(members.length / 2)
  const decoys: TarMember[] = [
    {path: 'srv/', type: 'Directory'},
    {path: 'srv/models/', type: 'Directory'},
    {path: 'srv/models/decoy.pt', data: PICKLE_BYTES, mode: 0o666},
    {path: 'root/', type: 'Directory', mode: 0o700},
    {path: 'root/.cache/huggingface/token', data: 'hf_decoydecoydecoydecoydecoydecoy', mode: 0o644},
    {path: 'opt/legacy/', type: 'Directory'},
    {path: 'opt/legacy/ollama.service', data: '[Service]\nExecStart=/usr/bin/ollama serve\n'},
  ]
  const whiteouts: TarMember[] = [
    {path: 'srv/models/.wh.decoy.pt'},
    {path: 'root/.cache/huggingface/.wh.token'},
    {path: 'opt/legacy/.wh..wh..opq'},
  ]
  return [tarOf([...decoys, ...members.slice(0, half)]), tarOf([...members.slice(half), ...whiteouts])]
}

const statuses = (audit: AuditResult) => new Map(audit.rules.map((r) => [r.ruleId, r]))

const why = !isRoot ? 'tar --same-owner needs root' : hasTool('tar') ? null : 'tar is not installed'

describe.skipIf(skipReason(why !== null, `audit --image against --root of the same files: ${why}`))(
  'llmsec audit --image and --root on the same files give the same verdicts',
  () => {
    const dirs: string[] = []
    afterAll(async () => {
      for (const dir of dirs) await removeRoot(dir)
    })
    beforeAll(async () => {
      const {stdout} = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], {reject: false})
      if (!stdout)
        console.warn('[skip] no Docker daemon here: the test images are built from tar files, not docker save')
    })

    it.each([
      ['careless', buildCarelessRoot, false],
      ['hardened', buildHardenedRoot, true],
    ])('%s root', async (_name, build, withConfig) => {
      const root = await build()
      const work = await mkdtemp(join(tmpdir(), 'llmsec-differential-'))
      const extracted = await mkdtemp(join(tmpdir(), 'llmsec-differential-root-'))
      dirs.push(root, work, extracted)
      const members = await membersOf(root)
      const image = join(work, 'image.tar')
      await writeFile(image, dockerArchive({layers: layersOf(members), tags: ['example/host:1']}).tar)
      // The merged layers as a filesystem tar, extracted the way the old CI recipe did (as root).
      const merged = join(work, 'merged.tar')
      await writeFile(merged, tarOf(members))
      await execa('tar', ['--same-owner', '-xpf', merged, '-C', extracted])
      // An image keeps no access times (its files read as last used when written); extraction just
      // read them now. Give the extracted files their written times back, so models-inactive compares alike.
      for (const entry of await readdir(extracted, {recursive: true, withFileTypes: true})) {
        const path = join(entry.parentPath, entry.name)
        if (entry.isFile()) await utimes(path, (await lstat(path)).mtime, (await lstat(path)).mtime)
      }
      const config = withConfig ? ['--config', hardenedConfig(root)] : []
      // --walk: the walk of the virtual root must see what the walk of the extracted directory sees.
      const args = ['audit', '--ruleset', 'all', '--walk', ...config]
      const viaImage = await runCliJson<AuditResult>([...args, '--image', image])
      const viaRoot = await runCliJson<AuditResult>([...args, '--root', extracted])
      const [a, b] = [statuses(viaImage.json), statuses(viaRoot.json)]
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
      const differ: string[] = []
      for (const [id, rule] of a) {
        const other = b.get(id)!
        if (rule.status === other.status) {
          // The image also holds the directories its lower layer made for the whited-out decoys.
          const counted = (lines: string[]) => lines.map((l) => l.replace(/\b\d+ entries walked/, 'N entries walked'))
          expect(counted(rule.evidence), id).toEqual(counted(other.evidence))
          continue
        }
        // The only allowed difference: a rule that needs a real file errors under --image.
        expect(rule.status, `${id}: --image ${rule.status}, --root ${other.status}: ${rule.reason}`).toBe('error')
        expect(`${rule.reason ?? ''} ${rule.evidence.join(' ')}`, id).toMatch(NEEDS_REAL_FILE)
        differ.push(id)
      }
      // The model scan reads the image's layers in place: it must agree with --root.
      for (const id of differ) expect(['models-signed'], id).toContain(id)
      expect(JSON.stringify(viaImage.json)).not.toMatch(/decoy|opt\/legacy/)
      expect(viaImage.json.host).toContain('example/host:1 (sha256:')
    })

    it('says which image it could not read, in one line (exit 2)', async () => {
      const run = await runCli(['audit', '--image', join(tmpdir(), 'no-such-image.tar')])
      expect(run.exitCode).toBe(2)
      expect(run.stderr.trim().split('\n')[0]).toContain('no-such-image.tar')
    })
  },
)
