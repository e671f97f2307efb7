import {readFileSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {Ajv} from 'ajv'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {repoRoot, runCli, runCliJson} from '../helpers/cli.js'
import {buildRoot, removeRoot} from '../helpers/rootfs.js'

const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'json', 'rulesets.schema.json'), 'utf8')) as object
const ajv = new Ajv({strict: false, allErrors: true})
ajv.addSchema(schema)
const validator = (name: string) =>
  ajv.getSchema(`https://llmsec.dev/schemas/rulesets-commands-v1.json#/definitions/${name}`)!

const header = 'apiVersion: llmsec.dev/v1\nkind: Ruleset\nid: mine\ntitle: Mine\nversion: "1"\n'
const rules = (check: string, severity = 'high') =>
  `${header}rules:\n  - id: r\n    title: A rule\n    severity: ${severity}\n    check: ${check}\n    remediation: Fix.\n`

describe('llmsec rulesets', () => {
  let dir: string
  beforeAll(async () => {
    dir = await buildRoot({})
    await writeFile(join(dir, 'syntax.yaml'), `${header}rules: [\n  {id: r, title: "x}\n`)
    await writeFile(join(dir, 'check.yaml'), rules('{id: no-such-check}'))
    await writeFile(join(dir, 'param.yaml'), rules('{id: sysctl-value, params: {key: kernel.x, values: 1}}'))
    await writeFile(join(dir, 'severity.yaml'), rules('{id: time-sync}', 'severe'))
  })
  afterAll(() => removeRoot(dir))

  it.each([
    ['syntax', /syntax\.yaml:\d+:\d+: YAML syntax error/],
    ['check', /check\.yaml:10:17: rules\[0\]\.check\.id: unknown check "no-such-check"/],
    ['param', /param\.yaml:10:63: rules\[0\]\.check\.params\.values: must be array/],
    ['severity', /severity\.yaml:9:15: rules\.0\.severity: must be one of critical, high, medium, low, info/],
  ])('validate exits 2 with file:line:column for a %s error', async (name, message) => {
    const run = await runCli(['rulesets', 'validate', join(dir, `${name}.yaml`)])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('validate goes on past a bad file: every file is judged, exit 2 when one is bad', async () => {
    const good = join(repoRoot, 'rulesets', 'baseline.yaml')
    const files = [join(dir, 'check.yaml'), good, join(dir, 'severity.yaml')]
    const run = await runCli(['rulesets', 'validate', ...files])
    expect(run.exitCode).toBe(2)
    expect(run.stdout).toMatch(/^ok .*baseline\.yaml: baseline, \d+ rules$/m)
    const lines = run.stderr.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^llmsec: .*check\.yaml:10:17: /)
    expect(lines[1]).toMatch(/^llmsec: .*severity\.yaml:9:15: /)
    const json = await runCliJson<{valid: boolean; rulesets: {id: string}[]; invalid: {file: string; code: string}[]}>([
      'rulesets',
      'validate',
      ...files,
    ])
    expect(json.exitCode).toBe(2)
    expect(validator('validate')(json.json), JSON.stringify(ajv.errors)).toBe(true)
    expect(json.json.valid).toBe(false)
    expect(json.json.rulesets.map((r) => r.id)).toEqual(['baseline'])
    expect(json.json.invalid.map((f) => [f.file, f.code])).toEqual([
      [files[0], 'RULESET_INVALID'],
      [files[2], 'INPUT_MALFORMED'],
    ])
  })

  it('audit loading a bad ruleset exits 2 the same way', async () => {
    const run = await runCli(['audit', '--ruleset', join(dir, 'check.yaml')])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/check\.yaml:10:17: .*unknown check/)
  })

  it('validate --json accepts the built-in rulesets', async () => {
    const files = ['baseline', 'hipaa', 'gdpr'].map((id) => join(repoRoot, 'rulesets', `${id}.yaml`))
    const run = await runCliJson<{rulesets: {id: string}[]}>(['rulesets', 'validate', ...files])
    expect(run.exitCode).toBe(0)
    expect(validator('validate')(run.json)).toBe(true)
    expect(run.json.rulesets.map((r) => r.id)).toEqual(['baseline', 'hipaa', 'gdpr'])
  })

  it('list and show print documented JSON', async () => {
    const list = await runCliJson<{rulesets: {id: string}[]}>(['rulesets', 'list'])
    expect(validator('list')(list.json), JSON.stringify(ajv.errors)).toBe(true)
    expect(list.json.rulesets).toHaveLength(7)
    const show = await runCliJson<{rules: {id: string; controls: Record<string, string[]>}[]}>([
      'rulesets',
      'show',
      'pci-dss',
    ])
    expect(validator('show')(show.json)).toBe(true)
    expect(show.json.rules.find((r) => r.id === 'time-sync')?.controls['pci-dss']).toEqual(['10.6.1'])
    const checks = await runCliJson(['rulesets', 'list', '--checks'])
    expect(validator('checks')(checks.json)).toBe(true)
  })

  it("show prints a framework ruleset's controls with what each rule shows and does not", async () => {
    const run = await runCli(['rulesets', 'show', 'hipaa'])
    expect(run.exitCode).toBe(0)
    const controls = run.stdout.slice(run.stdout.indexOf('Controls of hipaa:'))
    expect(controls).toMatch(/^164\.312\(b\)\n {2}[a-z0-9-]+: .+\n {4}does not show: .+$/m)
    expect(controls).toMatch(/^ {2}models-signed: .+\n {4}does not show: (?!not stated).+$/m)
  })
})
