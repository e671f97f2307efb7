import {existsSync} from 'node:fs'
import {readFile, writeFile} from 'node:fs/promises'
import {basename, join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {FleetReport} from '../../../src/audit/reports/index.js'
import {buildCarelessRoot, buildHardenedRoot, hardenedConfig} from '../../helpers/audit-roots.js'
import {binPath, repoRoot} from '../../helpers/cli.js'
import {hasTool, skipReason} from '../../helpers/env.js'
import {addToRoot, buildRoot, MALICIOUS_PICKLE, removeRoot} from '../../helpers/rootfs.js'

const noAnsible = skipReason(
  !hasTool('ansible-playbook'),
  'ansible-playbook is not installed (apt-get install ansible): the Ansible role is not run',
)

// Two inventory hosts over two different fixture roots (local connection, `--root` each): the
// role's install from an offline bundle (scripts/make-bundle.sh), its audit, vulns and scan,
// the fetch and the controller's fleet report run for real through ansible-playbook.
describe.skipIf(noAnsible)('contrib/ansible playbook', () => {
  const roots: string[] = []
  let work = ''
  let bundle = ''
  beforeAll(async () => {
    const careless = await buildCarelessRoot()
    const hardened = await buildHardenedRoot()
    // A model that would run code when loaded (never loaded here): the careless host's scan must report it.
    await addToRoot(careless, {'/srv/models/evil/model.pkl': {content: MALICIOUS_PICKLE}})
    work = await buildRoot({'/results': {dir: 0o755}}, 'llmsec-ansible-')
    roots.push(careless, hardened, work)
    const host = (root: string, vars: Record<string, string> = {}) => ({
      ansible_connection: 'local',
      llmsec_root: root,
      llmsec_scan_paths: [join(root, 'srv', 'models')],
      ...vars,
    })
    const inventory = {
      llm: {hosts: {careless: host(careless), hardened: host(hardened, {llmsec_config: hardenedConfig(hardened)})}},
    }
    await writeFile(join(work, 'inventory.yml'), JSON.stringify(inventory))
    // The bundle as a release engineer makes it; --offline: from the npm cache the suite's own `npm ci` filled.
    const made = await execa(join(repoRoot, 'scripts', 'make-bundle.sh'), [join(work, 'bundle'), '--offline'])
    bundle = made.stdout.trim().split('\n').at(-1)!
  }, 180_000)
  afterAll(async () => {
    for (const root of roots) await removeRoot(root)
  })

  const play = (extra: string[] = []) =>
    execa(
      'ansible-playbook',
      [
        '-i',
        join(work, 'inventory.yml'),
        join(repoRoot, 'contrib', 'ansible', 'fleet.yml'),
        '-e',
        `llmsec_bundle=${bundle}`,
        '-e',
        `llmsec_install_dir=${work}/opt`,
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
  /** The tasks that reported a change on an inventory host (the controller's own tasks left out). */
  const changedTasks = (stdout: string) =>
    stdout
      .split('\nTASK [')
      .filter((block) => /^changed: \[(careless|hardened)\]/m.test(block))
      .map((block) => block.slice(0, block.indexOf(']')))

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
    // The hosts ran the bundle's llmsec (the role's default command; none is installed elsewhere here).
    expect(existsSync(join(work, 'opt', basename(bundle, '.tgz'), 'package', 'bin', 'run.js'))).toBe(true)
    const results = async <T>(file: string) => JSON.parse(await readFile(join(work, 'results', file), 'utf8')) as T
    type Scan = {summary: {files: number; unsafe: number}}
    expect((await results<Scan>('careless.scan.json')).summary.unsafe).toBeGreaterThan(0)
    expect((await results<Scan>('hardened.scan.json')).summary).toMatchObject({unsafe: 0})
    for (const host of ['careless', 'hardened'])
      expect(await results<{findings: unknown[]}>(`${host}.vulns.json`)).toHaveProperty('findings')
  }, 300_000)

  it('is idempotent: a second run changes nothing on the hosts (only the fetched results are new)', async () => {
    const run = await play()
    expect(run.exitCode, String(run.stdout)).toBe(0)
    expect(changedTasks(run.stdout)).toEqual(['llmsec : Fetch the results to the controller'])
  }, 300_000)

  it.skipIf(!hasTool('ansible-lint'))(
    'passes ansible-lint with the production profile',
    async () => {
      const lint = await execa('ansible-lint', ['--offline', '--profile', 'production', 'fleet.yml', 'roles/llmsec'], {
        cwd: join(repoRoot, 'contrib', 'ansible'),
        reject: false,
        timeout: 240_000,
        env: {ANSIBLE_NOCOLOR: '1', NO_COLOR: '1'},
      })
      expect(lint.exitCode, `${lint.stdout}\n${lint.stderr}`).toBe(0)
    },
    300_000,
  )

  it('check mode changes nothing on the hosts or the controller', async () => {
    const remote = `${work}/check-{{ inventory_hostname }}`
    const run = await play([
      '--check',
      '-e',
      `llmsec_remote_dir=${remote}`,
      '-e',
      `llmsec_results_dir=${work}/check`,
      '-e',
      `llmsec_install_dir=${work}/check-opt`,
    ])
    expect(run.exitCode, String(run.stdout)).toBe(0)
    for (const path of ['check-careless', 'check-hardened', 'check', 'check-opt'])
      expect(existsSync(join(work, path)), path).toBe(false)
  }, 300_000)
})
