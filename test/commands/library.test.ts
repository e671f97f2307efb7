import {existsSync, readFileSync} from 'node:fs'
import {mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {repoRoot} from '../helpers/cli.js'

interface PackageJson {
  name: string
  main: string
  types: string
  exports: {'.': {types: string; import: string}}
  files: string[]
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson

/** A pickle that calls os.system: the scanner must flag it without running it. */
const EVIL_PICKLE = Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1')

describe('llmsec as a library', () => {
  let consumer: string
  beforeAll(async () => {
    // A project that depends on llmsec, as `npm link` or a workspace would set it up.
    consumer = await mkdtemp(join(tmpdir(), 'llmsec-consumer-'))
    await mkdir(join(consumer, 'node_modules'))
    await symlink(repoRoot, join(consumer, 'node_modules', pkg.name), 'dir')
    await writeFile(join(consumer, 'package.json'), JSON.stringify({name: 'consumer', type: 'module', private: true}))
    await writeFile(join(consumer, 'evil.pkl'), EVIL_PICKLE)
  })
  afterAll(() => rm(consumer, {recursive: true, force: true}))

  it('points main, types and exports at files the build produces and the package ships', () => {
    const targets = [pkg.main, pkg.types, pkg.exports['.'].import, pkg.exports['.'].types]
    expect(targets.filter((file) => !existsSync(join(repoRoot, file)))).toEqual([])
    expect(targets.filter((file) => !pkg.files.some((dir) => file.replace(/^\.\//, '').startsWith(`${dir}/`)))).toEqual(
      [],
    )
  })

  it('imports by package name and calls into two domains', async () => {
    const program = `
      import {audit, scan, parseDuration} from '${pkg.name}'
      const report = scan.scanFile('evil.pkl')
      const rulesets = await audit.listRulesets()
      console.log(JSON.stringify({
        verdict: report.verdict,
        codes: report.findings.map((f) => f.code),
        rulesets: rulesets.map((r) => r.id),
        duration: parseDuration('1m30s', 's'),
      }))`
    const run = await execa(process.execPath, ['--input-type=module', '-e', program], {cwd: consumer, reject: false})
    expect(run.exitCode, run.stderr).toBe(0)
    const out = JSON.parse(run.stdout) as {verdict: string; codes: string[]; rulesets: string[]; duration: unknown}
    expect(out.verdict).not.toBe('safe')
    expect(out.codes.length).toBeGreaterThan(0)
    expect(out.rulesets).toContain('baseline')
    expect(out.duration).toEqual({ok: true, ms: 90_000, bare: false})
  })

  it('type-checks a TypeScript consumer against the published declarations', async () => {
    await writeFile(
      join(consumer, 'use.ts'),
      `import {scan, type LlmsecConfig} from '${pkg.name}'
const report: scan.FileReport = scan.scanFile('evil.pkl')
const config: LlmsecConfig = {rulesets: ['baseline']}
// @ts-expect-error a typo in a domain function is a compile error
scan.scanFiel('x')
export {report, config}
`,
    )
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')
    // skipLibCheck as most projects (and this one) set it: node-llama-cpp's own declarations need more types.
    const args = [
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--types',
      'node',
    ]
    const run = await execa(
      process.execPath,
      [tsc, ...args, '--typeRoots', join(repoRoot, 'node_modules', '@types'), 'use.ts'],
      {
        cwd: consumer,
        reject: false,
      },
    )
    expect(run.exitCode, `${run.stdout}${run.stderr}`).toBe(0)
  })
})
