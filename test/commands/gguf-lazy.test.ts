import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {repoRoot, runCli} from '../helpers/cli.js'

// A resolve hook that makes node-llama-cpp look uninstalled, as on a system without it.
const HIDE_HOOK = `
export async function resolve(specifier, context, next) {
  if (specifier === 'node-llama-cpp') {
    const error = new Error("Cannot find package 'node-llama-cpp'")
    error.code = 'ERR_MODULE_NOT_FOUND'
    throw error
  }
  return next(specifier, context)
}
`

describe('node-llama-cpp is loaded lazily', () => {
  let dir: string
  let nodeOptions: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-lazy-'))
    await writeFile(join(dir, 'hide.mjs'), HIDE_HOOK)
    const register = `import {register} from 'node:module'\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hide.mjs')).href)})\n`
    await writeFile(join(dir, 'register.mjs'), register)
    nodeOptions = `--import ${pathToFileURL(join(dir, 'register.mjs')).href}`
  })
  afterAll(async () => rm(dir, {recursive: true, force: true}))

  it('is never imported statically by the built engine or commands', async () => {
    const files = (await readdir(join(repoRoot, 'dist'), {recursive: true})).filter((f) => f.endsWith('.js'))
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const text = await readFile(join(repoRoot, 'dist', file), 'utf8')
      expect(text, file).not.toMatch(/^\s*import[^(]*from\s*['"]node-llama-cpp['"]/m)
    }
  })

  it('says how to install it when --gguf needs it and it is missing', async () => {
    const model = join(dir, 'model.gguf')
    await writeFile(model, 'GGUF')
    const run = await runCli(['bench', '--gguf', model], {env: {NODE_OPTIONS: nodeOptions}})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/--gguf needs node-llama-cpp, which is not installed/)
    expect(run.stderr).toMatch(/npm install --save-exact node-llama-cpp@3\.21\.1/)
  })

  it('is not needed for endpoint commands', async () => {
    const run = await runCli(['smoke', '--endpoint', 'http://127.0.0.1:1'], {env: {NODE_OPTIONS: nodeOptions}})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/Cannot reach/)
  })
})
