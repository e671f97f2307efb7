import {existsSync} from 'node:fs'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {FleetReport} from '../../../src/audit/reports/index.js'
import {buildCarelessRoot, buildHardenedRoot, hardenedConfig} from '../../helpers/audit-roots.js'
import {binPath, repoRoot} from '../../helpers/cli.js'
import {hasTool, skipReason} from '../../helpers/env.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'

const noAnsible = skipReason(
  !hasTool('ansible-playbook'),
  'ansible-playbook is not installed (apt-get install ansible): the Ansible role is not run',
)

// Two inventory hosts over two different fixture roots (local connection, `--root` each): the
// role's commands, fetch and the controller's fleet report run for real through ansible-playbook.
describe.skipIf(noAnsible)('contrib/ansible playbook', () => {
  const roots: string[] = []
  let work = ''
  beforeAll(async () => {
    const careless = await buildCarelessRoot()
    const hardened = await buildHardenedRoot()
    work = await buildRoot({'/results': {dir: 0o755}}, 'llmsec-ansible-')
    roots.push(careless, hardened, work)
    const inventory = [
      '[llm]',
      `careless ansible_connection=local llmsec_root=${careless}`,
      `hardened ansible_connection=local llmsec_root=${hardened} llmsec_config=${hardenedConfig(hardened)}`,
      '',
    ].join('\n')
    await writeFile(join(work, 'inventory'), inventory)
  })
  afterAll(async () => {
    for (const root of roots) await removeRoot(root)
  })

  const play = (extra: string[] = []) =>
    execa(
      'ansible-playbook',
      [
        '-i',
        join(work, 'inventory'),
        join(repoRoot, 'contrib', 'ansible', 'fleet.yml'),
        '-e',
        `llmsec_bin=${binPath}`,
        '-e',
        `llmsec_local_bin=${binPath}`,
        '-e',
        `llmsec_remote_dir=${work}/remote-{{ inventory_hostname }}`,
        '-e',
        `llmsec_results_dir=${work}/results`,
        ...extra,
      ],
      {reject: false, timeout: 240_000, env: {ANSIBLE_NOCOLOR: '1', ANSIBLE_BECOME: 'false'}},
    )

  it('audits both hosts and the fleet report lists each with its own score and failures', async () => {
    const run = await play()
    expect(run.exitCode, String(run.stdout)).toBe(0)
    const fleet = JSON.parse(
      await readFile(join(work, 'results', 'report', 'llmsec-audit.json'), 'utf8'),
    ) as FleetReport
    const byHost = new Map(fleet.hosts.map((h) => [h.host, h.report]))
    expect([...byHost.keys()].sort()).toEqual(['careless', 'hardened'])
    const careless = byHost.get('careless')!
    const hardened = byHost.get('hardened')!
    expect(careless.score).toBeLessThanOrEqual(40)
    expect(hardened.score).toBeGreaterThanOrEqual(90)
    expect(careless.rules.find((r) => r.ruleId === 'inference-bind-loopback')?.status).toBe('fail')
    expect(hardened.summary.fail).toBe(0)
    const markdown = await readFile(join(work, 'results', 'report', 'llmsec-audit.md'), 'utf8')
    for (const host of ['careless', 'hardened']) expect(markdown).toContain(host)
  }, 300_000)

  it('check mode changes nothing on the hosts or the controller', async () => {
    const remote = `${work}/check-{{ inventory_hostname }}`
    const run = await play(['--check', '-e', `llmsec_remote_dir=${remote}`, '-e', `llmsec_results_dir=${work}/check`])
    expect(run.exitCode, String(run.stdout)).toBe(0)
    for (const path of ['check-careless', 'check-hardened', 'check'])
      expect(existsSync(join(work, path)), path).toBe(false)
  }, 300_000)
})
