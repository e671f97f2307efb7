import {RE2JS} from 're2js'

/** Compiled ruleset expressions by pattern (a ruleset run evaluates the same few many times). */
const compiled = new Map<string, RE2JS>()
const MAX_PATTERN_LENGTH = 4096

/**
 * Compiles a regular expression from a ruleset on RE2 (re2js), multiline (`^`/`$` per line).
 * RE2 matches in time linear in the input, so no pattern (`^(a+)+$`) can hang an audit; it has
 * no lookaround and no backreferences. Throws with RE2's message when the pattern is invalid there.
 */
function compileRuleRegex(pattern: string): RE2JS {
  let re = compiled.get(pattern)
  if (!re) {
    if (pattern.length > MAX_PATTERN_LENGTH) throw new Error(`longer than ${MAX_PATTERN_LENGTH} characters`)
    re = RE2JS.compile(pattern, RE2JS.MULTILINE)
    compiled.set(pattern, re)
  }
  return re
}

/** Why a pattern does not compile on RE2, or null when it does. */
export function ruleRegexError(pattern: string): string | null {
  try {
    compileRuleRegex(pattern)
    return null
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp: /, '')
  }
}

/** The first match of a ruleset pattern in a text, or null. */
export function firstMatch(pattern: string, text: string): string | null {
  const matcher = compileRuleRegex(pattern).matcher(text)
  return matcher.find() ? matcher.group() : null
}
