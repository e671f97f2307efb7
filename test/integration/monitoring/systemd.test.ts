import {mkdir, readdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {buildCarelessRoot} from '../../helpers/audit-roots.js'
import {binPath, repoRoot, runCli} from '../../helpers/cli.js'
import {hasTool, skipReason} from '../../helpers/env.js'
import {expectValidMetrics, noPromtool} from '../../helpers/promtool.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'

const UNITS = join(repoRoot, 'contrib', 'systemd')
const INSTALLED = '/usr/local/bin/llmsec'
const noAnalyze = skipReason(
  !hasTool('systemd-analyze'),
  'systemd-analyze is not installed (apt-get install systemd): the systemd units are not verified',
)

/** The units with ExecStart pointing at this checkout's CLI (verify checks that the program exists). */
async function localUnits(dir: string, edit = (text: string) => text): Promise<string[]> {
  const names = (await readdir(UNITS)).filter((n) => /\.(service|timer)$/.test(n))
  for (const name of names) {
    const text = await readFile(join(UNITS, name), 'utf8')
    await writeFile(join(dir, name), edit(text.replaceAll(INSTALLED, binPath)))
  }
  return names.map((n) => join(dir, n))
}

async function analyze(args: string[]) {
  const run = await execa('systemd-analyze', args, {reject: false, timeout: 60_000})
  return {exitCode: run.exitCode ?? -1, output: `${String(run.stdout)}${String(run.stderr)}`}
}

/** Directive values of a unit file (`Key=value`), every occurrence. */
function directives(text: string, key: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1))
}

describe.skipIf(noAnalyze)('contrib/systemd units', () => {
  let dir = ''
  let careless = ''
  beforeAll(async () => {
    dir = await buildRoot({'/units': {dir: 0o755}, '/textfile': {dir: 0o755}}, 'llmsec-units-')
    careless = await buildCarelessRoot()
  })
  afterAll(async () => {
    await removeRoot(dir)
    await removeRoot(careless)
  })

  it('systemd-analyze verify accepts the service and the timer; a broken twin is refused', async () => {
    const units = await localUnits(join(dir, 'units'))
    const ok = await analyze(['verify', ...units])
    expect(ok.output).toBe('')
    expect(ok.exitCode).toBe(0)
    await mkdir(join(dir, 'broken'))
    const broken = await localUnits(join(dir, 'broken'), (t) => t.replace('ExecStart=/', 'ExecStart=missing/'))
    expect((await analyze(['verify', ...broken])).exitCode).not.toBe(0)
  })

  it('is sandboxed: read-only system but the textfile directory, low priority, daily with a random delay', async () => {
    const service = await readFile(join(UNITS, 'llmsec-audit.service'), 'utf8')
    const timer = await readFile(join(UNITS, 'llmsec-audit.timer'), 'utf8')
    expect(directives(service, 'ProtectSystem')).toEqual(['strict'])
    expect(directives(service, 'ReadWritePaths')).toEqual(['/var/lib/prometheus/node-exporter'])
    expect(directives(service, 'Environment')).toEqual(['TEXTFILE_DIR=/var/lib/prometheus/node-exporter'])
    expect(directives(service, 'Nice')).toEqual(['10'])
    expect(directives(service, 'NoNewPrivileges')).toEqual(['yes'])
    expect(directives(timer, 'OnCalendar')).toEqual(['daily'])
    expect(directives(timer, 'RandomizedDelaySec')).toEqual(['1h'])
    const units = await localUnits(join(dir, 'units'))
    const security = await analyze(['security', '--offline=true', units[0]])
    const exposure = /Overall exposure level for \S+: ([\d.]+)/.exec(security.output)
    expect(exposure, security.output).not.toBeNull()
    expect(Number(exposure![1])).toBeLessThan(4)
  })

  it('llmsec init --systemd writes units that verify, naming this llmsec and the configured model paths', async () => {
    const target = join(dir, 'installed')
    await mkdir(target)
    const config = join(dir, 'llmsec.yaml')
    await writeFile(config, `models:\n  paths: [${join(careless, 'srv/models')}, /data/llm]\n`)
    const args = ['init', '--systemd', '--systemd-dir', target, '--config', config]
    const run = await runCli([...args, '--json'])
    expect(run.exitCode, run.stderr).toBe(0)
    const {units} = JSON.parse(run.stdout) as {units: string[]}
    expect(units).toEqual([join(target, 'llmsec-audit.service'), join(target, 'llmsec-audit.timer')])
    const service = await readFile(units[0], 'utf8')
    for (const line of directives(service, 'ExecStart')) expect(line.startsWith(`${binPath} `), line).toBe(true)
    expect(directives(service, 'ExecStart').find((l) => l.includes(' scan '))).toContain(
      ` scan ${join(careless, 'srv/models')} /data/llm --format`,
    )
    const verify = await analyze(['verify', ...units])
    expect(verify.output).toBe('')
    // An existing unit is kept (exit 2, nothing replaced) unless --force.
    await writeFile(units[1], '# local edit\n')
    const again = await runCli(args)
    expect(again.exitCode).toBe(2)
    expect(again.stderr.trim().split('\n')).toHaveLength(1)
    expect(await readFile(units[1], 'utf8')).toBe('# local edit\n')
    expect((await runCli([...args, '--force'])).exitCode).toBe(0)
    expect(await readFile(units[1], 'utf8')).toContain('OnCalendar=daily')
    // A model path systemd would split into two arguments is refused, and nothing is written.
    await writeFile(config, 'models:\n  paths: [/srv/my models]\n')
    const spaced = await runCli(['init', '--systemd', '--systemd-dir', join(dir, 'units'), '--config', config])
    expect(spaced.exitCode).toBe(2)
    expect(spaced.stderr).toMatch(/cannot go on an ExecStart= line/)
  })

  it.skipIf(noPromtool)('its command lines run against a fixture root and write valid textfile metrics', async () => {
    const service = await readFile(join(UNITS, 'llmsec-audit.service'), 'utf8')
    const textfile = join(dir, 'textfile')
    const success = [0, ...directives(service, 'SuccessExitStatus').map(Number)]
    for (const line of directives(service, 'ExecStart')) {
      const words = line.replaceAll('${TEXTFILE_DIR}', textfile).split(' ')
      expect(words[0]).toBe(INSTALLED)
      let args = words.slice(1)
      if (args[0] === 'scan') args = args.map((a) => (a === '/srv/models' ? join(careless, 'srv/models') : a))
      else args.push('--root', careless)
      const run = await runCli(args)
      expect(success, `${args.join(' ')}: ${run.stderr}`).toContain(run.exitCode)
    }
    const files = (await readdir(textfile)).sort()
    expect(files).toEqual(['llmsec-audit.json', 'llmsec-audit.prom', 'llmsec-scan.prom', 'llmsec-vulns.prom'])
    for (const file of files.filter((f) => f.endsWith('.prom')))
      await expectValidMetrics(await readFile(join(textfile, file), 'utf8'))
  })
})
