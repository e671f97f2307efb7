import {chmod, cp, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {buildCarelessRoot} from '../../helpers/audit-roots.js'
import {repoRoot, unprivilegedPrefix} from '../../helpers/cli.js'

/** The lean production install must stay this small (node-llama-cpp's binaries alone are ~700 MB). */
const MAX_INSTALL_BYTES = 120 * 1024 * 1024

/** The Dockerfile's stages, each its instructions (continuation lines joined). */
async function dockerStages(): Promise<string[][]> {
  const text = (await readFile(join(repoRoot, 'Dockerfile'), 'utf8')).replace(/\\\n\s*/g, ' ')
  const stages: string[][] = []
  for (const line of text.split('\n').filter((l) => l.trim() && !l.startsWith('#'))) {
    if (line.startsWith('FROM ')) stages.push([])
    stages.at(-1)?.push(line.trim())
  }
  return stages
}

/** The runtime stage's `npm ci` arguments: the test installs the package exactly as the image does. */
function npmCiArgs(stage: string[]): string[] {
  const run = stage.find((l) => l.startsWith('RUN npm ci '))
  if (!run) throw new Error('the Dockerfile runtime stage has no `RUN npm ci`')
  return run.slice('RUN npm '.length).split(' && ')[0].trim().split(/\s+/)
}

async function treeBytes(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, {recursive: true, withFileTypes: true})) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size
  }
  return total
}

/**
 * The package as users get it: `npm pack` of the built tree, unpacked, installed the lean way
 * (`npm ci --omit=dev --omit=optional`, offline from the cache the suite's own `npm ci` filled).
 */
describe('the packed tarball', () => {
  let work: string
  let pkg: string
  let bin: string
  let files: string[]
  let root: string
  let installed: boolean
  let runtime: string[]

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'llmsec-pack-'))
    await chmod(work, 0o755)
    runtime = (await dockerStages()).at(-1) ?? []
    const packed = await execa('npm', ['pack', '--json', '--pack-destination', work], {cwd: repoRoot})
    const [{filename, files: entries}] = JSON.parse(packed.stdout) as [{filename: string; files: {path: string}[]}]
    files = entries.map((f) => f.path)
    await execa('tar', ['-xzf', join(work, filename), '-C', work])
    pkg = join(work, 'package')
    bin = join(pkg, 'bin', 'run.js')
    await cp(join(repoRoot, 'package-lock.json'), join(pkg, 'package-lock.json'))
    const install = await execa('npm', [...npmCiArgs(runtime), '--offline', '--loglevel=error'], {
      cwd: pkg,
      reject: false,
      timeout: 120_000,
    })
    installed = install.exitCode === 0
    if (!installed) console.warn(`[skip] offline install from the npm cache failed:\n${install.stderr}`)
    root = await buildCarelessRoot()
  }, 180_000)
  afterAll(async () => {
    await rm(work, {recursive: true, force: true})
    await rm(root, {recursive: true, force: true})
  })

  it('ships the CLI, its rulesets, the JSON schemas and the manifest, and no tests', () => {
    expect(files).toContain('bin/run.js')
    expect(files).toContain('oclif.manifest.json')
    expect(files).toContain('CHANGELOG.md')
    expect(files).toContain('rulesets/baseline.yaml')
    expect(files).toContain('docs/json/audit.schema.json')
    expect(files).toContain('docs/rulesets.schema.json')
    expect(files.some((f) => f.startsWith('dist/commands/'))).toBe(true)
    expect(files.filter((f) => /^(test|fixtures|src|bench)\//.test(f))).toEqual([])
  })

  it('is what the Dockerfile builds: node:20-slim, the lean install, a non-root user, llmsec as entrypoint', () => {
    expect(runtime[0]).toBe('FROM node:20-slim')
    expect(npmCiArgs(runtime)).toEqual(expect.arrayContaining(['ci', '--omit=dev', '--omit=optional']))
    expect(runtime).toContain('COPY --from=build /src/package-lock.json ./')
    const user = runtime.find((l) => l.startsWith('USER '))
    expect(user).toBeDefined()
    expect(user).not.toMatch(/^USER (root|0)\b/)
    expect(runtime).toContain('ENTRYPOINT ["llmsec"]')
  })

  it('installs without node-llama-cpp in at most 120 MB', async (ctx) => {
    if (!installed) return ctx.skip()
    expect(await treeBytes(join(pkg, 'node_modules'))).toBeLessThan(MAX_INSTALL_BYTES)
    await expect(stat(join(pkg, 'node_modules', 'node-llama-cpp'))).rejects.toThrow()
  })

  it('prints its version with the rules and advisory data versions', async (ctx) => {
    if (!installed) return ctx.skip()
    // As the image runs it: an unprivileged user with no writable home.
    const [command, ...prefix] = [...(unprivilegedPrefix() ?? []), process.execPath]
    const run = await execa(command, [...prefix, bin, '--version'], {cwd: '/', env: {HOME: '/nonexistent'}})
    expect(run.stdout).toMatch(/^llmsec\/\d+\.\d+\.\d+ /)
    expect(run.stdout).toMatch(/^rulesets: .*baseline \d+\.\d+\.\d+/m)
    expect(run.stdout).toMatch(/^advisory data: \d{4}-\d{2}-\d{2} \(\d+ curated OSV records\)$/m)
  })

  it('audits a root and scans a model from the installed package', async (ctx) => {
    if (!installed) return ctx.skip()
    const audit = await execa(process.execPath, [bin, 'audit', '--root', root, '--json'], {cwd: work, reject: false})
    expect(audit.exitCode, audit.stderr).toBe(1)
    expect((JSON.parse(audit.stdout) as {score: number}).score).toBeLessThan(50)

    const scan = (file: string) => execa(process.execPath, [bin, 'scan', file], {cwd: work, reject: false})
    const malicious = await scan(join(repoRoot, 'fixtures', 'scan', 'joblib-malicious.joblib'))
    expect(malicious.exitCode, malicious.stderr).toBe(1)
    const benign = await scan(join(repoRoot, 'fixtures', 'scan', 'joblib-benign.joblib'))
    expect(benign.exitCode, benign.stderr).toBe(0)
  })

  it('says how to enable GGUF support when node-llama-cpp is not installed', async (ctx) => {
    if (!installed) return ctx.skip()
    const model = join(work, 'm.gguf')
    await writeFile(model, 'GGUF')
    const run = await execa(process.execPath, [bin, 'smoke', '--gguf', model], {cwd: work, reject: false})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/--gguf needs node-llama-cpp, which is not installed/)
    expect(run.stderr).toMatch(/npm install --save-exact node-llama-cpp@/)
  })
})
