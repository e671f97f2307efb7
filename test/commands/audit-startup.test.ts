import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {repoRoot} from '../helpers/cli.js'
import {makeTempDir} from '../helpers/model-dir.js'

/**
 * What loading the audit command and the built-in rulesets (from the build's cache) loads: the
 * heavy parts that only some runs need are imported where they are used (bench/audit.sh's speed
 * target rests on it). A static import that pulls one of them back in fails here.
 */
const NOT_AT_STARTUP: [RegExp, string][] = [
  [/\/node_modules\/yaml\//, 'yaml (config, waivers and rulesets not in the cache)'],
  [/\/node_modules\/ajv\//, 'ajv (params and YAML validation)'],
  [/\/node_modules\/fast-xml-parser\//, 'fast-xml-parser (nvidia-smi XML)'],
  [/\/node_modules\/systeminformation\//, 'systeminformation (inventory)'],
  [/\/node_modules\/execa\//, 'execa (imported on the first subprocess)'],
  [/\/dist\/src\/scan\/index\.js$/, 'the scan engine (model-scan with model files)'],
  [/\/dist\/src\/image\/index\.js$/, 'the image readers (--image)'],
  [/\/dist\/src\/artifacts\/index\.js$/, 'the verify engine (model signatures)'],
  [/\/node_modules\/yauzl\//, 'yauzl (zip advisory databases)'],
  [/\/dist\/src\/audit\/compare\.js$/, 'the comparison with a saved result (--compare)'],
]

let work: {dir: string; cleanup: () => Promise<void>}
beforeAll(async () => {
  work = await makeTempDir('llmsec-audit-startup-')
})
afterAll(async () => work?.cleanup())

describe('llmsec audit start-up', () => {
  it('loads none of the parts only some audits need', async () => {
    const log = join(work.dir, 'modules.txt')
    const hooks = join(work.dir, 'hooks.mjs')
    await writeFile(
      hooks,
      `import {appendFileSync} from 'node:fs'\nexport async function resolve(spec, ctx, next) {\n  const r = await next(spec, ctx)\n  appendFileSync(${JSON.stringify(log)}, r.url + '\\n')\n  return r\n}\n`,
    )
    const register = join(work.dir, 'register.mjs')
    await writeFile(
      register,
      `import {register} from 'node:module'\nregister(${JSON.stringify(pathToFileURL(hooks).href)})\n`,
    )
    const dist = (path: string) => JSON.stringify(pathToFileURL(join(repoRoot, 'dist', path)).href)
    const script = [
      `import {createRequire} from 'node:module'`,
      `import {appendFileSync} from 'node:fs'`,
      `await import(${dist('commands/audit.js')})`,
      `const {listBuiltInRulesets, loadRuleset} = await import(${dist('src/audit/index.js')})`,
      `for (const id of await listBuiltInRulesets()) await loadRuleset(id)`,
      `for (const file of Object.keys(createRequire(import.meta.url).cache)) appendFileSync(${JSON.stringify(log)}, file + '\\n')`,
    ].join('\n')
    await execa(process.execPath, ['--import', pathToFileURL(register).href, '--input-type=module', '-e', script], {
      cwd: repoRoot,
    })
    const loaded = (await readFile(log, 'utf8')).split('\n').filter(Boolean)
    expect(loaded.some((url) => url.endsWith('/dist/src/audit/engine.js'))).toBe(true)
    for (const [pattern, what] of NOT_AT_STARTUP)
      expect(
        loaded.filter((url) => pattern.test(url)),
        what,
      ).toEqual([])
  })
})
