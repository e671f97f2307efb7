import {existsSync} from 'node:fs'
import {readdir} from 'node:fs/promises'

import {coreError} from '../core/errors.js'
import {cachedRuleset} from './ruleset-cache.js'
import {builtInRulesetDir, resolveRef} from './ruleset-paths.js'
import type {ResolvedRuleset} from './ruleset.types.js'

export {builtInRulesetDir, isRulesetPath} from './ruleset-paths.js'

/** Ids of the built-in rulesets, sorted. */
export async function listBuiltInRulesets(): Promise<string[]> {
  const names = await readdir(builtInRulesetDir())
  return names
    .filter((n) => n.endsWith('.yaml'))
    .map((n) => n.slice(0, -5))
    .sort()
}

/** Parsed rulesets by file: `--ruleset all` extends baseline seven times, parse it once. */
const parsed = new Map<string, Promise<ResolvedRuleset>>()

function loadRulesetFile(file: string, chain: string[]): Promise<ResolvedRuleset> {
  // A file resolves to the same rules whichever ruleset extends it (cycles fail on first load).
  let promise = parsed.get(file)
  if (!promise) {
    // A built-in file is resolved once at build time (ruleset-cache.ts) while it is unchanged.
    // The parser (yaml, ajv, RE2) is loaded only on a miss: a cached audit never needs it.
    promise = cachedRuleset(file, builtInRulesetDir()).then(
      async (hit) => hit ?? (await import('./ruleset-parse.js')).parseRulesetFile(file, chain, loadRulesetFile),
    )
    parsed.set(file, promise)
  }
  return promise
}

/**
 * Loads a ruleset by built-in id or file path, resolving `extends` (overrides, removals) and
 * validating everything: unknown check ids, parameters against each check's schema, unknown
 * control ids. Every error is an LlmsecError (exit 2) naming file:line:column and the key.
 */
export async function loadRuleset(ref: string): Promise<ResolvedRuleset> {
  const {file, builtIn} = resolveRef(ref)
  if (builtIn && !existsSync(file)) {
    const known = await listBuiltInRulesets()
    throw coreError(
      'INPUT_NOT_FOUND',
      `unknown ruleset "${ref}"; built-in rulesets: ${known.join(', ')}. Or pass a .yaml file.`,
    )
  }
  return loadRulesetFile(file, [])
}
