import {createHash} from 'node:crypto'
import {readdir, readFile} from 'node:fs/promises'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

import {CHECKS} from './checks/index.js'
import {KNOWN_CONTROLS} from './controls.js'
import {rulesetSchema} from './ruleset.schema.js'
import type {ResolvedRuleset} from './ruleset.types.js'
import {DEFAULT_CRITICAL_CAP} from './score.js'

/**
 * The built-in rulesets, resolved and validated by `npm run build` (scripts/build-ruleset-cache.mjs),
 * so an audit does not parse and validate the same YAML on every run. An entry is used only while
 * every built-in YAML file and everything validation depends on (check parameter schemas, control
 * ids, the ruleset schema, the checks' default limits) are byte for byte what the build saw; anything else loads the YAML.
 */
export interface RulesetCache {
  format: typeof CACHE_FORMAT
  /** Digest of the YAML files of the built-in directory and of the validation inputs. */
  digest: string
  /** Resolved rulesets by file name; paths inside are relative to the built-in directory. */
  rulesets: Record<string, ResolvedRuleset>
}

export const CACHE_FORMAT = 1

/** The cache shipped in dist/ (only the compiled package has one; sources always parse the YAML). */
export function rulesetCacheFile(): string | null {
  const here = fileURLToPath(import.meta.url)
  const distRoot = dirname(dirname(dirname(here)))
  return here.includes(`${sep}dist${sep}src${sep}`) ? join(distRoot, 'rulesets.cache.json') : null
}

/** What a resolved built-in ruleset depends on besides its YAML (the loader's validation inputs). */
function validationInputs(): string {
  const checks = CHECKS.map((c) => [c.id, c.params, c.regexParams ?? [], c.limits ?? ''])
  return JSON.stringify([CACHE_FORMAT, checks, KNOWN_CONTROLS, rulesetSchema, DEFAULT_CRITICAL_CAP])
}

/** The digest of every built-in YAML file (names and contents) and of the validation inputs. */
export async function builtInDigest(dir: string): Promise<string> {
  const hash = createHash('sha256').update(validationInputs())
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort()
  const texts = await Promise.all(names.map(async (name) => readFile(join(dir, name))))
  names.forEach((name, i) => hash.update(`\0${name}\0${texts[i].length}\0`).update(texts[i]))
  return hash.digest('hex')
}

function rebase(ruleset: ResolvedRuleset, map: (file: string) => string): ResolvedRuleset {
  return {
    ...ruleset,
    file: map(ruleset.file),
    rules: ruleset.rules.map((rule) => ({...rule, source: {...rule.source, file: map(rule.source.file)}})),
  }
}

/** A cache entry of a resolved built-in ruleset (its paths made relative to the built-in directory). */
export function cacheEntry(dir: string, ruleset: ResolvedRuleset): ResolvedRuleset | null {
  const inside = (file: string) => dirname(file) === dir
  if (!inside(ruleset.file) || !ruleset.rules.every((r) => inside(r.source.file))) return null
  return rebase(ruleset, (file) => relative(dir, file))
}

const opened = new Map<string, Promise<RulesetCache | null>>()

async function openCache(cacheFile: string, dir: string): Promise<RulesetCache | null> {
  try {
    const cache = JSON.parse(await readFile(cacheFile, 'utf8')) as RulesetCache
    if (cache.format !== CACHE_FORMAT || typeof cache.rulesets !== 'object') return null
    return cache.digest === (await builtInDigest(dir)) ? cache : null
  } catch {
    // No cache (sources, or a build without one) or an unreadable one: the YAML is parsed instead.
    return null
  }
}

/** The cached resolution of a built-in ruleset file, or null when there is none or it is stale. */
export async function cachedRuleset(
  file: string,
  dir: string,
  cacheFile = rulesetCacheFile(),
): Promise<ResolvedRuleset | null> {
  if (cacheFile === null || dirname(file) !== dir) return null
  let cache = opened.get(cacheFile)
  if (!cache) {
    cache = openCache(cacheFile, dir)
    opened.set(cacheFile, cache)
  }
  const entry = (await cache)?.rulesets[relative(dir, file)]
  return entry ? rebase(entry, (name) => join(dir, name)) : null
}
