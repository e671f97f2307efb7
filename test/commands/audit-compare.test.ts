import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditReport} from '../../src/audit/reports/index.js'
import {buildCarelessRoot} from '../helpers/audit-roots.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {removeRoot} from '../helpers/rootfs.js'
import {expectSchema} from '../helpers/schema.js'

const refs = (list: {ruleId: string; subject: string | null}[]) => list.map((r) => `${r.ruleId} ${r.subject ?? ''}`)

describe('llmsec audit --compare on a root changed between two runs', () => {
  let root: string
  let previous: string
  beforeAll(async () => {
    root = await buildCarelessRoot()
    previous = join(root, 'previous.json')
    const first = await runCli(['audit', '--root', root, '--format', 'json', '--output', previous])
    expect(first.exitCode).toBe(1)
  })
  afterAll(() => removeRoot(root))

  const compare = (...extra: string[]) =>
    runCliJson<AuditReport>(['audit', '--root', root, '--compare', previous, ...extra])

  it('reports exactly the fixed and introduced failures; a new medium does not fail --fail-on-new high', async () => {
    // Fix both ssh findings (high); introduce docker-group-empty (medium).
    await writeFile(
      join(root, 'etc/ssh/sshd_config.d/50-cloud.conf'),
      'PermitRootLogin no\nPasswordAuthentication no\n',
    )
    const group = await readFile(join(root, 'etc/group'), 'utf8')
    await writeFile(join(root, 'etc/group'), `${group}docker:x:998:alice\n`)
    const run = await compare('--fail-on-new', 'high')
    expectSchema('audit', run.json)
    const c = run.json.comparison!
    expect(refs(c.introduced)).toEqual(['docker-group-empty /etc/group'])
    expect(refs(c.resolved)).toEqual([
      'ssh-no-password-auth /etc/ssh/sshd_config',
      'ssh-no-root-login /etc/ssh/sshd_config',
    ])
    expect(c.waived).toEqual([])
    expect(c.notEvaluated).toEqual([])
    expect(c.scoreChange).toBeGreaterThan(0)
    expect(run.json.failOnNew).toBe('high')
    expect(run.exitCode).toBe(0)
    expect((await compare('--fail-on-new', 'medium')).exitCode).toBe(1)
    // Without --fail-on-new the usual policy applies: criticals still fail.
    expect((await compare()).exitCode).toBe(1)
  })

  it('a secret that moves to another file is one fixed and one new high: --fail-on-new high exits 1', async () => {
    await chmod(join(root, 'home/alice/.cache/huggingface/token'), 0o600)
    await mkdir(join(root, 'root/.cache/huggingface'), {recursive: true})
    const moved = join(root, 'root/.cache/huggingface/token')
    await writeFile(moved, 'hf_zyxwvutsrqponmlkjihgfedcba\n')
    await chmod(moved, 0o644)
    const run = await compare('--fail-on-new', 'high')
    const c = run.json.comparison!
    expect(refs(c.introduced)).toEqual([
      'docker-group-empty /etc/group',
      'secret-files-private /root/.cache/huggingface/token',
    ])
    expect(refs(c.resolved)).toEqual([
      'secret-files-private /home/alice/.cache/huggingface/token',
      'ssh-no-password-auth /etc/ssh/sshd_config',
      'ssh-no-root-login /etc/ssh/sshd_config',
    ])
    expect(run.exitCode).toBe(1)
    const table = await runCli(['audit', '--root', root, '--compare', previous, '--fail-on-new', 'critical'])
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toMatch(/CHANGES SINCE .*previous\.json/)
    expect(table.stdout).toContain('+ new failure: secret-files-private (high) /root/.cache/huggingface/token')
    expect(table.stdout).toContain('- fixed: ssh-no-root-login (high) /etc/ssh/sshd_config')
    expect(table.stdout).toMatch(/fail-on-new critical: exit 0/)
  })

  it('running fewer rules lists the others as not evaluated, never as fixed', async () => {
    const run = await compare('--rule', 'inference-bind-loopback', '--fail-on-new', 'info')
    const c = run.json.comparison!
    expect(c.resolved).toEqual([])
    expect(c.introduced).toEqual([])
    expect(refs(c.notEvaluated)).toContain('ssh-no-root-login /etc/ssh/sshd_config')
    expect(run.exitCode).toBe(0)
  })

  it('refuses another host’s result, a non-result and --fail-on-new without --compare (exit 2)', async () => {
    const other = join(root, 'other.json')
    const saved = JSON.parse(await readFile(previous, 'utf8')) as AuditReport
    await writeFile(other, JSON.stringify({...saved, host: 'some-other-host'}))
    const wrongHost = await runCli(['audit', '--root', root, '--compare', other])
    expect(wrongHost.exitCode).toBe(2)
    expect(wrongHost.stderr).toMatch(/audit of host some-other-host/)
    await writeFile(other, '{"score": 1}')
    expect((await runCli(['audit', '--root', root, '--compare', other])).exitCode).toBe(2)
    expect((await runCli(['audit', '--root', root, '--fail-on-new', 'high'])).exitCode).toBe(2)
    expect(
      (await runCli(['audit', '--root', root, '--compare', previous, '--fail-on-new', 'high', '--fail-under', '5']))
        .exitCode,
    ).toBe(2)
  })
})
