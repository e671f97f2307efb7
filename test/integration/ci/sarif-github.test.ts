import {readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {buildCarelessRoot, buildHardenedRoot, hardenedConfig} from '../../helpers/audit-roots.js'
import {runCli} from '../../helpers/cli.js'
import {skipReason} from '../../helpers/env.js'
import {buildRoot} from '../../helpers/rootfs.js'
import {dockerArchive, membersOf, tarOf} from '../../helpers/image-archive.js'
import {multitoolErrors, sarifMultitool} from '../../helpers/sarif-multitool.js'
import {vulnRootSpec} from '../../helpers/vuln-root.js'

const tool = sarifMultitool()
const missing = skipReason(tool === null, '@microsoft/sarif-multitool has no binary for this platform')

interface Sarif {
  runs: {automationDetails?: unknown; results: {ruleId: string; locations?: {physicalLocation?: unknown}[]}[]}[]
}

/** The SARIF files GitHub code scanning gets from `audit --root` and `vulns --root`, checked by GitHub's rules. */
describe.skipIf(missing)('SARIF that GitHub code scanning accepts', () => {
  const roots: string[] = []
  const files: Record<string, string> = {}

  beforeAll(async () => {
    const careless = await buildCarelessRoot()
    const hardened = await buildHardenedRoot()
    const vulnerable = await buildRoot(vulnRootSpec())
    roots.push(careless, hardened, vulnerable)
    const out = (name: string) => join(careless, `${name}.sarif`)
    // The same roots as image archives (docker save layout), audited in place with --image.
    const image = async (root: string, name: string) => {
      const file = join(careless, `${name}.tar`)
      await writeFile(file, dockerArchive({layers: [tarOf(await membersOf(root))], tags: [`example/${name}:1`]}).tar)
      return file
    }
    const carelessImage = await image(careless, 'careless')
    const vulnImage = await image(vulnerable, 'vulnerable')
    const runs: [string, string[]][] = [
      ['careless', ['audit', '--root', careless, '--ruleset', 'all', '--allow-incomplete']],
      ['hardened', ['audit', '--root', hardened, '--config', hardenedConfig(hardened)]],
      ['vulns', ['vulns', '--root', vulnerable]],
      ['careless-image', ['audit', '--image', carelessImage, '--ruleset', 'all', '--allow-incomplete']],
      ['vulns-image', ['vulns', '--image', vulnImage]],
    ]
    for (const [name, args] of runs) {
      const run = await runCli([...args, '--format', 'sarif', '--output', out(name)])
      if (run.exitCode > 1) throw new Error(`${args.join(' ')} exited ${run.exitCode}: ${run.stderr}`)
      files[name] = out(name)
    }
  }, 180_000)
  afterAll(async () => Promise.all(roots.map((r) => rm(r, {recursive: true, force: true}))))

  it('gives every result a physical location and no automation id of its own', async () => {
    let results = 0
    for (const [name, file] of Object.entries(files)) {
      const log = JSON.parse(await readFile(file, 'utf8')) as Sarif
      for (const run of log.runs) {
        expect(run.automationDetails, name).toBeUndefined()
        for (const r of run.results) expect(r.locations?.[0]?.physicalLocation, `${name}: ${r.ruleId}`).toBeDefined()
        results += run.results.length
      }
    }
    expect(results).toBeGreaterThan(10)
  })

  it('names the image of an --image run in its properties and its ROOTFS base', async () => {
    for (const name of ['careless-image', 'vulns-image']) {
      const log = JSON.parse(await readFile(files[name], 'utf8')) as {
        runs: {
          properties?: {image?: {file: string}}
          originalUriBaseIds: {ROOTFS: {uri: string; description?: {text: string}}}
          results: unknown[]
        }[]
      }
      const [run] = log.runs
      expect(run.results.length, name).toBeGreaterThan(0)
      expect(run.properties?.image?.file, name).toMatch(/\.tar$/)
      expect(run.originalUriBaseIds.ROOTFS.uri, name).toBe('file:///')
      expect(run.originalUriBaseIds.ROOTFS.description?.text, name).toContain('example/')
      expect(JSON.stringify(log), name).not.toMatch(/virtual-root|\\u0000/)
    }
  })

  it('passes sarif-multitool validate with the GHAS rules', async () => {
    for (const file of Object.values(files)) expect(await multitoolErrors(tool!, file), file).toEqual([])
  }, 240_000)

  it('the validator is not vacuous: a result without locations is an error', async () => {
    const log = JSON.parse(await readFile(files.careless, 'utf8')) as Sarif
    delete log.runs[0].results[0].locations
    const bad = join(roots[0], 'bad.sarif')
    await writeFile(bad, JSON.stringify(log))
    expect((await multitoolErrors(tool!, bad)).length).toBeGreaterThan(0)
  }, 120_000)
})
