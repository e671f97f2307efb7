import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {FleetReport} from '../../src/audit/reports/index.js'
import {repoRoot, runCli, runCliJson} from '../helpers/cli.js'
import {sampleReport} from '../helpers/sample-report.js'
import {loadDocSchema} from '../helpers/schema.js'

describe('llmsec report', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-report-'))
    await writeFile(join(dir, 'a.json'), JSON.stringify(sampleReport('gpu-1')))
    await writeFile(join(dir, 'b.json'), JSON.stringify(sampleReport('gpu-2')))
    await writeFile(join(dir, 'bad.json'), '{"score": 1')
    await writeFile(join(dir, 'other.json'), '{"score": 1, "rulesets": [{"id": "x"}]}')
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  it('merges several results into a fleet report (--json validates)', async () => {
    const run = await runCliJson<FleetReport>(['report', join(dir, 'a.json'), join(dir, 'b.json')])
    expect(run.exitCode, run.stderr).toBe(0)
    const validate = loadDocSchema('report')
    expect(validate(run.json), JSON.stringify(validate.errors)).toBe(true)
    expect(run.json.hosts.map((h) => h.host)).toEqual(['gpu-1', 'gpu-2'])
    expect(run.json.score).toBe(20)
  })

  it('reads a large fleet on report threads and still leaves out, and exits 4 on, a bad file', async () => {
    const files = []
    for (let i = 0; i < 40; i++) {
      const file = join(dir, `fleet-${i}.json`)
      await writeFile(file, JSON.stringify(sampleReport(`gpu-${i}`)))
      files.push(file)
    }
    files.splice(17, 0, join(dir, 'bad.json'))
    const out = join(dir, 'threaded')
    const run = await runCli(['report', ...files, '--format', 'sarif', '--format', 'json', '--output-dir', out])
    expect(run.exitCode, run.stderr).toBe(4)
    expect(run.stderr).toMatch(/left out: .*bad\.json is not JSON/)
    const sarif = JSON.parse(await readFile(join(out, 'llmsec-audit.sarif'), 'utf8')) as {
      runs: unknown[]
      properties: {rejected: unknown[]}
    }
    expect(sarif.runs).toHaveLength(40)
    expect(sarif.properties.rejected).toHaveLength(1)
    const fleet = JSON.parse(await readFile(join(out, 'llmsec-audit.json'), 'utf8')) as FleetReport
    expect(fleet.hosts.map((h) => h.host)).toEqual(
      files.filter((f) => !f.endsWith('bad.json')).map((_, i) => `gpu-${i}`),
    )
  })

  it('renders one saved result in markdown on stdout', async () => {
    const run = await runCli(['report', join(dir, 'a.json'), '--format', 'markdown'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^## llmsec audit: 20\.0\/100/)
  })

  it('prints a fleet table of hosts and failures', async () => {
    const run = await runCli(['report', join(dir, 'a.json'), join(dir, 'b.json')])
    expect(run.stdout).toContain('Fleet score 20.0/100 over 2 hosts')
    expect(run.stdout).toMatch(/gpu-2 +critical +bind-loopback/)
  })

  it('exits 2 on a file that is not an audit result', async () => {
    const bad = await runCli(['report', join(dir, 'bad.json')])
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toMatch(/bad\.json is not JSON/)
    const other = await runCli(['report', join(dir, 'other.json')])
    expect(other.exitCode).toBe(2)
    expect(other.stderr).toContain('rulesets[0] has no id or rules')
  })

  it('never suggests writing over the file it could not read', async () => {
    const notResult = await runCli(['report', join(repoRoot, 'package.json')])
    expect(notResult.exitCode).toBe(2)
    expect(notResult.stderr).toMatch(/Save one with llmsec audit --json --output audit\.json\.$/m)
    await writeFile(join(dir, 'audit.json'), '[]')
    const sameName = await runCli(['report', 'audit.json'], {cwd: dir})
    expect(sameName.stderr).toMatch(/--output audit-new\.json/)
    expect(notResult.stderr).not.toMatch(/(>|--output) \S*package\.json/)
    expect(sameName.stderr).not.toMatch(/(>|--output) audit\.json/)
  })
})
