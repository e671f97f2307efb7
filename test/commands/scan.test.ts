import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'

import type {ScanResult} from '../../src/scan/index.js'
import {repoRoot, runCli, runCliJson} from '../helpers/cli.js'
import {callPickle} from '../helpers/pickle-builder.js'

const fixtures = join(repoRoot, 'fixtures', 'scan')
const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'json', 'scan.schema.json'), 'utf8'))
const validate = new Ajv({allErrors: true}).compile(schema)

describe('llmsec scan', () => {
  it('scans a directory: --json matches docs/json/scan.schema.json and exit is 1 on unsafe files', async () => {
    const run = await runCliJson<ScanResult>(['scan', fixtures])
    expect(validate(run.json), JSON.stringify(validate.errors)).toBe(true)
    expect(run.exitCode).toBe(1)
    const byName = new Map(run.json.files.map((f) => [f.path.split('/').pop(), f]))
    expect(byName.get('torch-zip-malicious.pt')?.verdict).toBe('unsafe')
    expect(byName.get('torch-zip-benign.pt')?.verdict).toBe('clean')
    expect(run.json.summary.unsafe).toBeGreaterThanOrEqual(12)
    expect(run.json.summary.highestSeverity).toBe('critical')
  })

  it('exits 0 on benign files and prints a table per file', async () => {
    const run = await runCli(['scan', join(fixtures, 'torch-zip-benign.pt'), join(fixtures, 'gguf-benign.gguf')])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/torch-zip-benign\.pt\s+pytorch-zip\s+.*clean/)
    expect(run.stdout).toMatch(/2 files scanned .* 2 clean, 0 unsafe, 0 unknown, 0 malformed/)
  })

  it('--json --output writes the JSON result to the file (the same JSON stdout prints), not the table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmsec-scan-out-'))
    try {
      const out = join(dir, 'scan.json')
      const run = await runCli(['scan', join(fixtures, 'torch-zip-benign.pt'), '--json', '--output', out])
      expect(run.exitCode).toBe(0)
      expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(run.stdout))
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('shows severity, code, member and globals of findings', async () => {
    const run = await runCli(['scan', join(fixtures, 'zip-misleading-name.bin')])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/critical\s+PICKLE_DANGEROUS_GLOBAL\s+notes\/readme\.txt\s+posix\.system/)
  })

  it('--fail-on sets the threshold for exit 1; none never fails', async () => {
    const escape = join(fixtures, 'onnx-external-escape.onnx')
    const runs = await Promise.all([
      runCli(['scan', escape]),
      runCli(['scan', escape, '--fail-on', 'critical']),
      runCli(['scan', join(fixtures, 'torch-zip-malicious.pt'), '--fail-on', 'none']),
    ])
    expect(runs.map((r) => r.exitCode)).toEqual([1, 0, 0])
  })

  it('--allow-global and scan.allowGlobals widen the allowlist and the report lists what was used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmsec-scan-allow-'))
    const file = join(dir, 'custom.pkl')
    writeFileSync(file, callPickle('mylab.models', 'Net'))
    writeFileSync(join(dir, 'llmsec.yaml'), 'scan:\n  allowGlobals: [mylab.layers.Block]\n')
    const [denied, allowed] = await Promise.all([
      runCliJson<ScanResult>(['scan', file]),
      runCliJson<ScanResult>(['scan', file, '--allow-global', 'mylab.models.Net'], {cwd: dir}),
    ])
    expect(denied.exitCode).toBe(1)
    expect(denied.json.files[0].findings[0]).toMatchObject({code: 'UNSAFE_GLOBAL_NOT_ALLOWED', severity: 'high'})
    expect(allowed.exitCode).toBe(0)
    expect(allowed.json.files[0]).toMatchObject({verdict: 'clean', allowed: ['mylab.models.Net']})
    expect(allowed.json.allowances).toEqual([
      {global: 'mylab.layers.Block', files: 0},
      {global: 'mylab.models.Net', files: 1},
    ])
    rmSync(dir, {recursive: true, force: true})
  })

  it('refuses to allow a known-dangerous global (exit 2)', async () => {
    const run = await runCli(['scan', fixtures, '--allow-global', 'os.system'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/known-dangerous/)
  })

  it('--exclude skips matching files while walking a directory', async () => {
    const run = await runCliJson<ScanResult>([
      'scan',
      fixtures,
      '--exclude',
      '*malicious*',
      '--exclude',
      '*-lambda.*',
      '--exclude',
      '{zip-*,onnx-external-escape.onnx,pickle-os-*,pickle-eval-*,*-overlap.*,*-out-of-bounds.*}',
    ])
    expect(run.json.files.map((f) => f.verdict).every((v) => v === 'clean')).toBe(true)
    expect(run.exitCode).toBe(0)
  })

  it('exits 2 with one line when a path does not exist', async () => {
    const [run, json] = await Promise.all([
      runCli(['scan', join(fixtures, 'missing.pt')]),
      runCliJson<{error: {code: string}}>(['scan', '/nonexistent/model.pt']),
    ])
    expect(run.exitCode).toBe(2)
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/missing\.pt does not exist/)])
    expect(json.json.error.code).toBe('INPUT_NOT_FOUND')
    expect(json.exitCode).toBe(2)
  })

  it('exits 2 on an unknown --fail-on value', async () => {
    expect((await runCli(['scan', fixtures, '--fail-on', 'severe'])).exitCode).toBe(2)
  })
})
