import {appendFile, copyFile, cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {builtInRulesetDir, listBuiltInRulesets, loadRuleset} from '../../../src/audit/index.js'
import {cachedRuleset, rulesetCacheFile} from '../../../src/audit/ruleset-cache.js'
import {writeRulesetCache} from '../../../src/audit/ruleset-cache-write.js'

describe('built-in ruleset cache', () => {
  let tmp: string
  let cacheFile: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'llmsec-ruleset-cache-'))
    cacheFile = join(tmp, 'rulesets.cache.json')
  })
  afterAll(() => rm(tmp, {recursive: true, force: true}))

  it('is not used when running from the sources (only the compiled package ships one)', () => {
    expect(rulesetCacheFile()).toBeNull()
  })

  it('holds exactly what the loader resolves from the YAML, for every built-in ruleset', async () => {
    const {cached, skipped} = await writeRulesetCache(cacheFile)
    const ids = await listBuiltInRulesets()
    expect(skipped).toEqual([])
    expect(cached).toEqual(ids)
    const dir = builtInRulesetDir()
    for (const id of ids) {
      const hit = await cachedRuleset(join(dir, `${id}.yaml`), dir, cacheFile)
      expect(hit, id).toEqual(await loadRuleset(id))
    }
  })

  it('answers from another directory of the same files with that directory’s paths', async () => {
    const copy = join(tmp, 'same')
    await cp(builtInRulesetDir(), copy, {recursive: true})
    const other = join(tmp, 'same.cache.json')
    await copyFile(cacheFile, other)
    const hit = await cachedRuleset(join(copy, 'hipaa.yaml'), copy, other)
    expect(hit?.file).toBe(join(copy, 'hipaa.yaml'))
    const sources = hit?.rules.map((r) => r.source.file) ?? []
    expect(sources.length).toBeGreaterThan(0)
    for (const file of sources) expect([join(copy, 'hipaa.yaml'), join(copy, 'baseline.yaml')]).toContain(file)
  })

  it('is ignored once any built-in YAML file changes, is added, or the cache is damaged', async () => {
    const changed = join(tmp, 'changed')
    await cp(builtInRulesetDir(), changed, {recursive: true})
    await appendFile(join(changed, 'baseline.yaml'), '\n# edited\n')
    await copyFile(cacheFile, join(tmp, 'a.json'))
    expect(await cachedRuleset(join(changed, 'hipaa.yaml'), changed, join(tmp, 'a.json'))).toBeNull()

    const added = join(tmp, 'added')
    await cp(builtInRulesetDir(), added, {recursive: true})
    await writeFile(join(added, 'extra.yaml'), 'id: extra\n')
    await copyFile(cacheFile, join(tmp, 'b.json'))
    expect(await cachedRuleset(join(added, 'baseline.yaml'), added, join(tmp, 'b.json'))).toBeNull()

    const dir = builtInRulesetDir()
    const damaged = JSON.parse(await readFile(cacheFile, 'utf8')) as {digest: string}
    await writeFile(join(tmp, 'c.json'), JSON.stringify({...damaged, digest: 'f'.repeat(64)}))
    expect(await cachedRuleset(join(dir, 'baseline.yaml'), dir, join(tmp, 'c.json'))).toBeNull()
    await writeFile(join(tmp, 'd.json'), '{"format": 1, "digest"')
    expect(await cachedRuleset(join(dir, 'baseline.yaml'), dir, join(tmp, 'd.json'))).toBeNull()
  })

  it('never answers for a ruleset file outside the built-in directory', async () => {
    const outside = join(tmp, 'baseline.yaml')
    await copyFile(join(builtInRulesetDir(), 'baseline.yaml'), outside)
    expect(await cachedRuleset(outside, builtInRulesetDir(), cacheFile)).toBeNull()
  })
})
