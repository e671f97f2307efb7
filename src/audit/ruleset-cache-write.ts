import {dirname, resolve} from 'node:path'

import {writeFileAtomic} from '../core/fs.js'
import {loadYamlFile} from '../core/yaml.js'
import {builtInDigest, CACHE_FORMAT, cacheEntry, rulesetCacheFile, type RulesetCache} from './ruleset-cache.js'
import {builtInRulesetDir, isRulesetPath, listBuiltInRulesets, loadRuleset} from './ruleset-loader.js'
import type {ResolvedRuleset, RulesetSpec} from './ruleset.types.js'

/** Whether a built-in ruleset extends only files of the built-in directory (the cache digest covers no others). */
async function extendsOnlyBuiltIns(file: string, dir: string): Promise<boolean> {
  const {data} = await loadYamlFile<RulesetSpec>(file)
  return (data.extends ?? []).every((entry) => {
    const ref = typeof entry === 'string' ? entry : entry.ruleset
    return !isRulesetPath(ref) || dirname(resolve(dirname(file), ref)) === dir
  })
}

/**
 * Resolves every built-in ruleset with the full loader and writes the cache the compiled package
 * reads (rulesetCacheFile). A ruleset that does not load is left out, so an audit reports its
 * error as it would without a cache. Returns the ids cached and the ones left out, with why.
 */
export async function writeRulesetCache(
  cacheFile = rulesetCacheFile(),
): Promise<{cached: string[]; skipped: string[]}> {
  if (cacheFile === null) throw new Error('the ruleset cache is written by the compiled package (dist/)')
  const dir = builtInRulesetDir()
  const digest = await builtInDigest(dir)
  const rulesets: Record<string, ResolvedRuleset> = {}
  const cached: string[] = []
  const skipped: string[] = []
  for (const id of await listBuiltInRulesets()) {
    try {
      const ruleset = await loadRuleset(id)
      const entry = (await extendsOnlyBuiltIns(ruleset.file, dir)) ? cacheEntry(dir, ruleset) : null
      if (!entry) throw new Error('it depends on files outside the built-in directory')
      rulesets[`${id}.yaml`] = entry
      cached.push(id)
    } catch (error) {
      skipped.push(`${id}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const cache: RulesetCache = {format: CACHE_FORMAT, digest, rulesets}
  await writeFileAtomic(cacheFile, `${JSON.stringify(cache)}\n`)
  return {cached, skipped}
}
