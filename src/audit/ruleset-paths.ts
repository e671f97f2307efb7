import {existsSync} from 'node:fs'
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {coreError} from '../core/errors.js'

/** The directory of built-in rulesets (rulesets/ at the package root, from src/ or dist/src/). */
export function builtInRulesetDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'rulesets'))) return join(dir, 'rulesets')
    dir = dirname(dir)
  }
  throw coreError('UNEXPECTED', 'the built-in rulesets/ directory is missing from this installation.')
}

/** Whether a --ruleset value names a file rather than a built-in id. */
export function isRulesetPath(ref: string): boolean {
  return /\.ya?ml$/i.test(ref) || ref.includes('/')
}

/** A ruleset reference (built-in id or path, relative to the ruleset that names it) as a file. */
export function resolveRef(ref: string, from?: string): {file: string; builtIn: boolean} {
  if (!isRulesetPath(ref)) return {file: join(builtInRulesetDir(), `${ref}.yaml`), builtIn: true}
  const file = isAbsolute(ref) ? ref : resolve(from ? dirname(from) : process.cwd(), ref)
  return {file, builtIn: false}
}
